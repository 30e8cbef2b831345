// The Digits page: training controls and live numbers, the accuracy chart, the drawing canvas with
// live probabilities, and model files (picker or drop). All math is in digits.worker.ts.
import * as Comlink from 'comlink';
import '../styles.css';
import { watchFrames } from '../shared/fps-meter';
import { LiveChart } from '../shared/loss-chart';
import { describeError, element, formatNumber, showMessage, startPage } from '../shared/page';
import type { DigitsEvent } from './digits-session';
import type { DigitsWorkerApi } from './digits.worker';
import { drawingToInput } from './drawing';
import { checkModelFileSize } from './model-file';

startPage();
const worker = Comlink.wrap<DigitsWorkerApi>(
  new Worker(new URL('./digits.worker.ts', import.meta.url), { type: 'module', name: 'backprop-digits' }),
);
const [trainButton, stopButton, clearButton] = ['dg-train', 'dg-stop', 'dg-clear'].map((id) =>
  element<HTMLButtonElement>(id),
);
const workersSelect = element<HTMLSelectElement>('dg-workers');
const canvas = element<HTMLCanvasElement>('dg-canvas');
const inputPreview = element<HTMLCanvasElement>('dg-input');
const chart = new LiveChart({
  parent: element('dg-chart'),
  xLabel: 'epoch',
  series: [{ label: 'test accuracy', color: '#0877bd' }],
  yRange: [0, 1],
  width: 380,
  height: 200,
});

let hasModel = false;
let training = false;
const accuracies: number[] = [];

// --- live numbers, and the frame rate the page keeps while workers train ---
/** Frames drawn during the current run: their count, the run's start, and the lowest 1-second rate. */
const frames = { count: 0, since: 0, lowest: Infinity };
watchFrames((fps, time) => {
  element('dg-fps').textContent = fps.toFixed(0);
  if (!training) return;
  frames.count++;
  // the meter's 1-second window holds only training frames once the run is a second old
  if (time - frames.since > 1000) frames.lowest = Math.min(frames.lowest, fps);
});

function onEvent(event: DigitsEvent): void {
  if (event.type === 'batch') {
    element('dg-progress').textContent = `${event.epoch} · ${event.step}`;
    element('dg-loss').textContent = formatNumber(event.loss);
    element('dg-throughput').textContent = event.samplesPerSecond.toFixed(0);
    element('dg-throughput').dataset['value'] = String(event.samplesPerSecond);
    return;
  }
  accuracies.push(event.accuracy);
  element('dg-accuracy').textContent = accuracies.map((a) => `${(100 * a).toFixed(1)}%`).join(' → ');
  element('dg-accuracy').dataset['values'] = JSON.stringify(accuracies);
  chart.add(event.epoch, [event.accuracy]);
  if (event.epoch === 0) {
    hasModel = true;
    void predictDrawing();
  }
}

async function train(): Promise<void> {
  training = true;
  Object.assign(frames, { count: 0, since: performance.now(), lowest: Infinity });
  trainButton.disabled = true;
  stopButton.disabled = false;
  accuracies.length = 0;
  chart.clear();
  element('dg-status').textContent = 'training';
  const options = {
    workers: Number(workersSelect.value),
    batchSize: Number(element<HTMLSelectElement>('dg-batch').value),
    samplesPerEpoch: Number(element<HTMLSelectElement>('dg-samples').value),
    epochs: Math.max(1, Math.min(50, Math.round(Number(element<HTMLInputElement>('dg-epochs').value) || 1))),
    learningRate: Number(element<HTMLSelectElement>('dg-lr').value),
    seed: 1,
  };
  try {
    loadedName = null; // training replaces the loaded model
    const { stopped, steps } = await worker.train(options, Comlink.proxy(onEvent));
    const averageFps = (1000 * frames.count) / (performance.now() - frames.since);
    const lowest = Number.isFinite(frames.lowest) ? `, lowest ${frames.lowest.toFixed(0)} over 1 s` : '';
    element('dg-status').textContent =
      `${stopped ? 'stopped' : 'done'} after ${steps} steps; the page drew ${averageFps.toFixed(0)} frames/s meanwhile${lowest}`;
    Object.assign(document.body.dataset, { trainingFps: String(averageFps), lowestFps: String(frames.lowest) });
    void predictDrawing();
  } catch (error) {
    element('dg-status').textContent = 'failed';
    showMessage(`Training failed: ${describeError(error)}`);
  } finally {
    training = false;
    trainButton.disabled = false;
    stopButton.disabled = true;
    document.body.dataset['trained'] = String(Number(document.body.dataset['trained'] ?? 0) + 1);
  }
}

// --- drawing: ink is the canvas's alpha channel ---
const pen = canvas.getContext('2d', { willReadFrequently: true })!;
pen.lineWidth = 20;
pen.lineCap = 'round';
pen.lineJoin = 'round';
pen.strokeStyle = '#000';
let drawing = false;
let predictionQueued = false;

function position(event: PointerEvent): [number, number] {
  const box = canvas.getBoundingClientRect();
  return [
    ((event.clientX - box.left) * canvas.width) / box.width,
    ((event.clientY - box.top) * canvas.height) / box.height,
  ];
}

canvas.addEventListener('pointerdown', (event) => {
  drawing = true;
  canvas.setPointerCapture(event.pointerId);
  const [x, y] = position(event);
  pen.beginPath();
  pen.moveTo(x, y);
  pen.lineTo(x + 0.1, y);
  pen.stroke();
  queuePrediction();
});
canvas.addEventListener('pointermove', (event) => {
  if (!drawing) return;
  const [x, y] = position(event);
  pen.lineTo(x, y);
  pen.stroke();
  queuePrediction();
});
for (const type of ['pointerup', 'pointercancel'] as const) canvas.addEventListener(type, () => (drawing = false));
clearButton.addEventListener('click', () => {
  pen.clearRect(0, 0, canvas.width, canvas.height);
  inputPreview.getContext('2d')!.clearRect(0, 0, inputPreview.width, inputPreview.height);
  element('dg-probabilities').replaceChildren();
  element('dg-prediction').textContent = 'Draw a digit.';
});

/** At most one prediction per frame, however fast the pointer moves. */
function queuePrediction(): void {
  if (predictionQueued) return;
  predictionQueued = true;
  requestAnimationFrame(() => {
    predictionQueued = false;
    void predictDrawing();
  });
}

async function predictDrawing(): Promise<void> {
  const { data, width, height } = pen.getImageData(0, 0, canvas.width, canvas.height);
  const alpha = new Uint8ClampedArray(width * height);
  for (let i = 0; i < alpha.length; i++) alpha[i] = data[4 * i + 3]!;
  const input = drawingToInput(alpha, width, height);
  if (input === null) return;
  showInput(input);
  if (!hasModel) return;
  try {
    const probabilities = await worker.predict(input);
    if (probabilities !== null) showProbabilities(probabilities);
  } catch (error) {
    showMessage(`Prediction failed: ${describeError(error)}`);
  }
}

function showInput(input: Float32Array): void {
  const pixels = new Uint8ClampedArray(784 * 4);
  for (let i = 0; i < 784; i++) pixels.set([255, 255, 255, Math.round(input[i]! * 255)], 4 * i);
  const small = document.createElement('canvas');
  [small.width, small.height] = [28, 28];
  small.getContext('2d')!.putImageData(new ImageData(pixels, 28, 28), 0, 0);
  const context = inputPreview.getContext('2d')!;
  context.imageSmoothingEnabled = false;
  context.clearRect(0, 0, inputPreview.width, inputPreview.height);
  context.drawImage(small, 0, 0, inputPreview.width, inputPreview.height);
}

function showProbabilities(probabilities: Float32Array): void {
  const best = probabilities.indexOf(Math.max(...probabilities));
  const rows = Array.from(probabilities).flatMap((p, digit) => {
    const label = Object.assign(document.createElement('span'), { textContent: String(digit) });
    const bar = Object.assign(document.createElement('div'), { className: 'bar' });
    bar.style.width = `${(100 * p).toFixed(1)}%`;
    const value = Object.assign(document.createElement('span'), { textContent: `${(100 * p).toFixed(1)}%` });
    if (digit === best) for (const cell of [label, value]) cell.className = 'best';
    return [label, wrap(bar), value];
  });
  element('dg-probabilities').replaceChildren(...rows);
  const prediction = element('dg-prediction');
  prediction.textContent = `The network reads a ${best} (${(100 * probabilities[best]!).toFixed(1)}%).`;
  prediction.dataset['digit'] = String(best);
}

function wrap(bar: HTMLElement): HTMLElement {
  const track = document.createElement('div');
  track.append(bar);
  return track;
}

// --- model files: picker and drag and drop ---
/** The name of the file whose model predicts now, if any. */
let loadedName: string | null = null;

async function loadFile(file: File): Promise<void> {
  const status = element('dg-model-status');
  status.textContent = `reading ${file.name}…`;
  try {
    checkModelFileSize(file.size, file.name);
    const loaded = await worker.loadModel(new Uint8Array(await file.arrayBuffer()), file.name);
    hasModel = true;
    loadedName = file.name;
    showMessage('');
    const step = loaded.step === null ? '' : `, trained ${loaded.step} steps`;
    status.textContent = `Loaded ${file.name}: ${loaded.parameters.toLocaleString('en')} parameters, input [${loaded.inputShape.join(', ')}]${step}; test accuracy ${(100 * loaded.accuracy).toFixed(1)}%. Draw a digit to use it.`;
    status.dataset['accuracy'] = String(loaded.accuracy);
    void predictDrawing();
  } catch (error) {
    status.textContent = `Could not load ${file.name}${loadedName === null ? '' : `; still using ${loadedName}`}.`;
    showMessage(describeError(error));
  }
}

const fileInput = element<HTMLInputElement>('dg-file');
fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file !== undefined) void loadFile(file);
  fileInput.value = '';
});
const dropZone = element('dg-drop');
dropZone.addEventListener('dragover', (event) => {
  event.preventDefault();
  dropZone.classList.add('over');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('over'));
dropZone.addEventListener('drop', (event) => {
  event.preventDefault();
  dropZone.classList.remove('over');
  const file = event.dataTransfer?.files[0];
  if (file !== undefined) void loadFile(file);
});

trainButton.addEventListener('click', () => void train());
stopButton.addEventListener('click', () => void worker.stop());

try {
  const setup = await worker.load();
  const preferred = Math.min(2, setup.cores);
  const counts = Array.from({ length: Math.max(4, setup.cores) + 1 }, (_, i) => i);
  workersSelect.replaceChildren(
    ...counts.map((n) => new Option(n === 0 ? '0: plain core' : String(n), String(n), false, n === preferred)),
  );
  if (setup.note !== null) showMessage(setup.note, 'note');
  const memory = setup.sharedMemory
    ? 'workers share the weights (SharedArrayBuffer)'
    : 'workers get copies of the weights (page not isolated)';
  element('dg-status').textContent =
    `${setup.train.toLocaleString('en')} training and ${setup.test.toLocaleString('en')} test digits loaded; ${memory}`;
  trainButton.disabled = false;
  document.body.dataset['ready'] = 'true';
} catch (error) {
  element('dg-status').textContent = 'failed to load';
  showMessage(`The digits could not be loaded: ${describeError(error)}`);
}
