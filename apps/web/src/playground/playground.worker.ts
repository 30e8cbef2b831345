// The Playground's worker: owns the PlaygroundSession (data, model, SGD) and trains it when the
// page asks, answering through comlink. The page thread only draws.
import * as Comlink from 'comlink';
import type { LayerWeights } from './network-probe';
import {
  PlaygroundSession,
  type GradientReport,
  type NetworkReport,
  type PlaygroundReport,
  type PointSet,
  type PointStep,
} from './session';
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
  async train(epochs: number): Promise<PlaygroundReport> {
    await current().train(epochs);
    return send(current().report());
  },
  /** The weights and each neuron's value over a `resolution²` grid (for the network view). */
  network(resolution: number): NetworkReport {
    const network = current().network(resolution);
    return Comlink.transfer(
      network,
      network.maps.map((map) => map.buffer),
    );
  },
  /** ∂loss/∂(neuron) and ∂loss/∂w on the last minibatch, from the engine's autograd (retainGrad). */
  gradients(): GradientReport {
    return current().gradients();
  },
  /** Forward, loss and backward on one training point ("one step, slowly"); no weight changes yet. */
  tracePoint(index: number): PointStep {
    return current().tracePoint(index);
  },
  /** Takes the traced step (SGD on that point's gradients) and reports the new weights and boundary. */
  stepTraced(): { after: LayerWeights[]; report: PlaygroundReport } {
    const after = current().stepTraced();
    return { after, report: send(current().report()) };
  },
};

export type PlaygroundWorkerApi = typeof api;
Comlink.expose(api);
