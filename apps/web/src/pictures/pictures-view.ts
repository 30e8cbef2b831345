// The "Your pictures" page: class zones (drop, pick, folder, built-in digits), training controls,
// validation accuracy per epoch and per class, trying a new picture (prediction, loss, one step) and
// model files. All decoding and math run in pictures.worker.ts; this file only wires the DOM.
import * as Comlink from 'comlink';
import '../styles.css';
import { checkModelFileSize } from '../digits/model-file';
import { acceptDrops } from '../shared/drop-zone';
import { LiveChart } from '../shared/loss-chart';
import { describeError, element, formatNumber, showMessage, startPage } from '../shared/page';
import type { AddResult, PicturesWorkerApi } from './pictures.worker';
import type { PicturesEvent } from './pictures-session';
import type { LabelLoss } from './picture-model';
import { drawSample } from './sample-canvas';
import { buildZones, showZone, showZoneErrors, THUMBNAILS, type Zone } from './zones-view';

startPage();
const worker = Comlink.wrap<PicturesWorkerApi>(
  new Worker(new URL('./pictures.worker.ts', import.meta.url), { type: 'module', name: 'backprop-pictures' }),
);
const buttons = {
  digits: element<HTMLButtonElement>('pc-digits'),
  train: element<HTMLButtonElement>('pc-train'),
  stop: element<HTMLButtonElement>('pc-stop'),
  tryDigit: element<HTMLButtonElement>('pc-try-digit'),
  learn: element<HTMLButtonElement>('pc-learn'),
  save: element<HTMLButtonElement>('pc-save'),
};
const folderInput = element<HTMLInputElement>('pc-folder');
const labelSelect = element<HTMLSelectElement>('pc-label');
const progress = element<HTMLProgressElement>('pc-progress');
const status = element('pc-status');
let zones: Zone[] = [];
let busy = false;
let hasTry = false;
let classNames: string[] = [];

function setBusy(value: boolean): void {
  busy = value;
  for (const button of [buttons.digits, buttons.train, buttons.tryDigit]) button.disabled = value;
  folderInput.disabled = value;
  buttons.stop.disabled = true;
  for (const zone of zones)
    for (const control of zone.root.querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button'))
      control.disabled = value;
}

const zoneActions = {
  addFiles: (index: number, files: File[]) =>
    void guarded(`Adding pictures to class ${index + 1}`, () => addFiles(index, files)),
  rename: (index: number, name: string) => worker.rename(index, name).then((kept) => (refreshClassNames(), kept)),
  clear: (index: number) =>
    void guarded('Clearing', async () => {
      await worker.clear(index);
      await refreshZones();
    }),
};

/** Runs `work` with the controls disabled; any error goes to the message box. */
async function guarded(what: string, work: () => Promise<void>): Promise<void> {
  if (busy) return;
  setBusy(true);
  try {
    await work();
  } catch (error) {
    showMessage(`${what} failed: ${describeError(error)}`);
  } finally {
    setBusy(false);
  }
}

const onProgress = Comlink.proxy((done: number, total: number) => {
  progress.max = Math.max(total, 1);
  progress.value = done;
  status.textContent = `decoding pictures: ${done} / ${total}`;
});

function report(result: AddResult, zone: Zone | null): void {
  status.textContent = `${result.added} picture${result.added === 1 ? '' : 's'} added${result.errors.length > 0 ? `, ${result.errors.length} refused` : ''}`;
  if (zone !== null) showZoneErrors(zone, result.errors);
  showMessage(
    result.errors.length === 0
      ? ''
      : `${result.errors.length} file${result.errors.length === 1 ? ' was' : 's were'} not added:\n${result.errors.slice(0, 10).join('\n')}${result.errors.length > 10 ? `\n… and ${result.errors.length - 10} more` : ''}`,
  );
}

async function addFiles(index: number, files: File[]): Promise<void> {
  report(await worker.addFiles(index, files, onProgress), zones[index] ?? null);
  await refreshZones(false);
}

async function refreshZones(rebuild = true): Promise<void> {
  const classes = await worker.classes();
  if (rebuild || zones.length !== classes.length) zones = buildZones(element('pc-zones'), classes, zoneActions);
  for (const [index, { count, name }] of classes.entries()) {
    zones[index]!.name.value = name;
    showZone(zones[index]!, count, await worker.thumbnails(index, THUMBNAILS));
  }
  refreshClassNames();
  document.body.dataset['pictures'] = String(classes.reduce((sum, c) => sum + c.count, 0));
}

function refreshClassNames(): void {
  void worker.classes().then((classes) => {
    element('pc-zones').dataset['names'] = JSON.stringify(classes.map((c) => c.name));
  });
}

// --- training ---
let chart: LiveChart | null = null;

function onEvent(event: PicturesEvent): void {
  if (event.type === 'start') {
    progress.max = event.batches;
    status.textContent = `training on ${event.train} pictures, measuring on ${event.validation} kept aside`;
    return;
  }
  if (event.type === 'batch') {
    progress.value = event.batch;
    status.textContent = `epoch ${event.epoch}, batch ${event.batch} / ${event.batches}: loss ${formatNumber(event.loss)}`;
    return;
  }
  const table = element<HTMLTableElement>('pc-epochs-table');
  const percent = (share: number) => (Number.isNaN(share) ? '–' : `${(100 * share).toFixed(0)}%`);
  const row = table.insertRow();
  const cells = [
    String(event.epoch),
    event.trainLoss === null ? '–' : formatNumber(event.trainLoss, 3),
    formatNumber(event.loss, 3),
    percent(event.accuracy),
    ...event.perClass.map(percent),
  ];
  for (const text of cells) row.insertCell().textContent = text;
  table.dataset['accuracy'] = String(event.accuracy);
  table.dataset['perClass'] = JSON.stringify(event.perClass);
  table.dataset['epochs'] = String(event.epoch);
  chart?.add(event.epoch, [event.accuracy, ...event.perClass]);
}

const COLOURS = ['#0877bd', '#e8590c', '#2b8a3e', '#862e9c', '#c92a2a', '#5f3dc4'];

async function train(): Promise<void> {
  const classes = await worker.classes();
  const table = element<HTMLTableElement>('pc-epochs-table');
  const header = table.createTHead().insertRow();
  table.replaceChildren(table.tHead!);
  header.replaceChildren();
  for (const text of ['epoch', 'train loss', 'val. loss', 'val. accuracy', ...classes.map((c) => c.name)])
    header.appendChild(document.createElement('th')).textContent = text;
  element('pc-chart').replaceChildren();
  const width = Math.min(420, element('pc-chart').parentElement!.clientWidth - 16);
  chart = new LiveChart({
    parent: element('pc-chart'),
    xLabel: 'epoch',
    series: [
      { label: 'validation accuracy', color: '#1d2430' },
      ...classes.map((c, i) => ({ label: c.name, color: COLOURS[i % COLOURS.length]! })),
    ],
    yRange: [0, 1],
    width: Math.max(260, width),
    height: 200,
  });
  const options = {
    epochs: Math.max(1, Math.min(100, Math.round(Number(element<HTMLInputElement>('pc-epochs').value) || 1))),
    batchSize: Number(element<HTMLSelectElement>('pc-batch').value),
    learningRate: Number(element<HTMLSelectElement>('pc-lr').value),
    workers: Number(element<HTMLSelectElement>('pc-workers').value),
    seed: 1,
  };
  buttons.stop.disabled = false;
  const { stopped, steps } = await worker.train(options, Comlink.proxy(onEvent));
  status.textContent = `${stopped ? 'stopped' : 'done'} after ${steps} steps`;
  await modelChanged();
  document.body.dataset['trained'] = String(Number(document.body.dataset['trained'] ?? 0) + 1);
}

/** A new model (trained or loaded): its classes for the label choice, and its answer on the picture being tried. */
async function modelChanged(): Promise<void> {
  buttons.save.disabled = false;
  if (hasTry) showPrediction(await worker.predict());
}

// --- trying a picture ---
function showPrediction(result: {
  sample: Float32Array;
  channels: number;
  probabilities: Float32Array | null;
  classNames: string[] | null;
}): void {
  hasTry = true;
  drawSample(element<HTMLCanvasElement>('pc-try-canvas'), result.sample, result.channels);
  const prediction = element('pc-prediction');
  const { probabilities, classNames: names } = result;
  if (probabilities === null || names === null) {
    prediction.textContent = 'Train (or load) a model to see what it says.';
    return;
  }
  const best = probabilities.indexOf(Math.max(...probabilities));
  // The tutorial's "cat: 0.32 → not cat": the first class's probability, then the decision.
  prediction.textContent = `${names[0]}: ${probabilities[0]!.toFixed(2)} → ${names[best]}`;
  prediction.dataset['best'] = String(best);
  prediction.dataset['probabilities'] = JSON.stringify(Array.from(probabilities));
  element('pc-probabilities').replaceChildren(
    ...Array.from(probabilities).flatMap((p, index) => {
      const bar = Object.assign(document.createElement('div'), { className: 'bar' });
      bar.style.width = `${(100 * p).toFixed(1)}%`;
      const track = document.createElement('div');
      track.append(bar);
      const name = Object.assign(document.createElement('span'), {
        textContent: names[index]!,
        className: index === best ? 'best' : '',
      });
      return [name, track, Object.assign(document.createElement('span'), { textContent: p.toFixed(2) })];
    }),
  );
  if (classNames.join('\n') !== names.join('\n')) {
    classNames = names;
    labelSelect.replaceChildren(new Option('—', ''), ...names.map((name, index) => new Option(name, String(index))));
  }
  labelSelect.disabled = false;
  void showLoss();
}

function showLossNumbers(loss: LabelLoss | null): void {
  element('pc-loss-tutorial').textContent =
    loss === null ? '–' : `1 − ${loss.probability.toFixed(2)} = ${loss.tutorial.toFixed(2)}`;
  element('pc-loss-ce').textContent =
    loss === null ? '–' : `−log ${loss.probability.toFixed(2)} = ${loss.crossEntropy.toFixed(3)}`;
  element('pc-loss-ce').dataset['value'] = loss === null ? '' : String(loss.crossEntropy);
}

async function showLoss(): Promise<void> {
  const label = labelSelect.value;
  buttons.learn.disabled = label === '';
  showLossNumbers(label === '' ? null : await worker.lossFor(Number(label)));
}

async function tryPicture(
  load: () => Promise<{
    sample: Float32Array;
    channels: number;
    probabilities: Float32Array | null;
    classNames: string[] | null;
  }>,
): Promise<void> {
  element('pc-learned').textContent = '';
  showPrediction(await load());
}

element<HTMLInputElement>('pc-try-file').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (file !== undefined) void guarded(`Trying ${file.name}`, () => tryPicture(() => worker.tryFile(file)));
});
acceptDrops(
  element('pc-try-drop'),
  ([file]) => void guarded(`Trying ${file!.name}`, () => tryPicture(() => worker.tryFile(file!))),
);
buttons.tryDigit.addEventListener(
  'click',
  () => void guarded('Trying a digit', () => tryPicture(() => worker.tryDigit())),
);
labelSelect.addEventListener(
  'change',
  () => void showLoss().catch((error: unknown) => showMessage(describeError(error))),
);
buttons.learn.addEventListener(
  'click',
  () =>
    void guarded('Learning from this picture', async () => {
      const label = Number(labelSelect.value);
      const { before, after, probabilities } = await worker.learn(
        label,
        Number(element<HTMLSelectElement>('pc-step-lr').value),
      );
      const learned = element('pc-learned');
      learned.textContent = `One gradient step on this picture: P(${classNames[label]}) ${before.probability.toFixed(2)} → ${after.probability.toFixed(2)}, cross-entropy ${before.crossEntropy.toFixed(3)} → ${after.crossEntropy.toFixed(3)}`;
      learned.dataset['before'] = String(before.probability);
      learned.dataset['after'] = String(after.probability);
      showPrediction({ ...(await worker.predict()), probabilities });
      buttons.save.disabled = false;
    }),
);

// --- model files ---
buttons.save.addEventListener(
  'click',
  () =>
    void guarded('Saving the model', async () => {
      const bytes = await worker.saveModel();
      const link = Object.assign(document.createElement('a'), {
        href: URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' })),
        download: 'model.safetensors',
      });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      element('pc-model-status').textContent =
        `Saved model.safetensors (${bytes.length.toLocaleString('en-US')} bytes).`;
    }),
);
element<HTMLInputElement>('pc-load').addEventListener('change', (event) => {
  const input = event.target as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (file === undefined) return;
  void guarded(`Loading ${file.name}`, async () => {
    checkModelFileSize(file.size, file.name, {
      model: 'a picture model',
      fix: 'choose the model.safetensors of a picture run',
    });
    const loaded = await worker.loadModel(new Uint8Array(await file.arrayBuffer()), file.name);
    const statusLine = element('pc-model-status');
    statusLine.textContent = `Loaded ${file.name}: classes ${loaded.classNames.join(', ')}; pictures [${loaded.sampleShape.join(', ')}]${loaded.steps > 0 ? `; trained ${loaded.steps} steps` : ''}. Drop a picture to try it.`;
    statusLine.dataset['classes'] = JSON.stringify(loaded.classNames);
    showMessage('');
    await modelChanged();
  });
});

// --- classes ---
buttons.digits.addEventListener(
  'click',
  () =>
    void guarded('Loading the built-in digits', async () => {
      status.textContent = 'loading the embedded digits…';
      report(await worker.useDigits(), null);
      await refreshZones();
    }),
);
folderInput.addEventListener('change', () => {
  const files = Array.from(folderInput.files ?? []);
  folderInput.value = '';
  if (files.length > 0) {
    void guarded('Reading the folder', async () => {
      report(
        await worker.addFolder(
          files.map((file) => ({ path: file.webkitRelativePath || file.name, file })),
          onProgress,
        ),
        null,
      );
      await refreshZones();
    });
  }
});
buttons.train.addEventListener('click', () => void guarded('Training', train));
buttons.stop.addEventListener('click', () => void worker.stop());

try {
  const setup = await worker.init(location.search);
  const workersSelect = element<HTMLSelectElement>('pc-workers');
  const counts = Array.from({ length: Math.max(4, setup.cores) }, (_, i) => i + 1);
  workersSelect.replaceChildren(
    ...counts.map((n) => new Option(String(n), String(n), false, n === Math.min(2, setup.cores))),
  );
  if (setup.problems.length > 0) showMessage(setup.problems.join('\n'), 'note');
  await refreshZones();
  status.textContent = `Drop at least 5 pictures in each class (up to ${setup.limits.maxPictures.toLocaleString('en-US')} in all), or use the built-in digits; then train. ${setup.sharedMemory ? 'Workers share the weights (SharedArrayBuffer).' : 'Workers get copies of the weights (page not isolated).'}`;
  buttons.train.disabled = false;
  document.body.dataset['ready'] = 'true';
} catch (error) {
  status.textContent = 'failed to start';
  showMessage(`The page could not start: ${describeError(error)}`);
}
