// The Playground's worker: owns the PlaygroundSession (data, model, SGD) and trains it when the
// page asks, answering through comlink. The page thread only draws.
import * as Comlink from 'comlink';
import { PlaygroundSession, type PlaygroundReport, type PointSet } from './session';
import type { PlaygroundSettings } from './settings';

let session: PlaygroundSession | null = null;

/** The report, its grid moved (not copied) to the page. */
const send = (report: PlaygroundReport) => Comlink.transfer(report, [report.boundary.buffer]);

function current(): PlaygroundSession {
  if (session === null) throw new Error('playground worker: configure() first');
  return session;
}

const api = {
  /** Starts a fresh run; returns its points and the untrained network's report. */
  configure(settings: PlaygroundSettings): { train: PointSet; test: PointSet; report: PlaygroundReport } {
    session = new PlaygroundSession(settings);
    return { train: session.trainPoints, test: session.testPoints, report: send(session.report()) };
  },
  /** Trains `epochs` more epochs and reports. */
  train(epochs: number): PlaygroundReport {
    current().train(epochs);
    return send(current().report());
  },
};

export type PlaygroundWorkerApi = typeof api;
Comlink.expose(api);
