// The Line page: draws the data, the fitted line, the loss surface with the descent path and the
// gradient arrow, and the numbers. Every computation happens in line.worker.ts (comlink).
import * as Comlink from 'comlink';
import '../styles.css';
import { describeError, element, formatNumber, showMessage, startPage } from '../shared/page';
import { paddedRange, toPixel, type Axis } from '../shared/plot';
import type { LineSnapshot } from './line-fit';
import type { LineSetup, LineWorkerApi } from './line.worker';
import { drawSurface, renderSurface } from './surface-view';

startPage();
const worker = Comlink.wrap<LineWorkerApi>(
  new Worker(new URL('./line.worker.ts', import.meta.url), { type: 'module' }),
);
const [stepButton, playButton, resetButton] = ['line-step', 'line-play', 'line-reset'].map((id) =>
  element<HTMLButtonElement>(id),
);
const lrInput = element<HTMLInputElement>('line-lr');
const dataCanvas = element<HTMLCanvasElement>('line-data');
const surfaceCanvas = element<HTMLCanvasElement>('line-surface');

let setup: LineSetup;
let surfaceImage: ImageBitmap | HTMLCanvasElement;
let playing = false;
let busy = false;

const learningRate = () => Number(lrInput.value);

function drawData(snapshot: LineSnapshot): void {
  const context = dataCanvas.getContext('2d')!;
  const { width, height } = dataCanvas;
  const x: Axis = { data: [-1.1, 1.1], pixels: [20, width - 10] };
  const y: Axis = { data: paddedRange(setup.y, 0.15), pixels: [height - 20, 10] };
  context.clearRect(0, 0, width, height);
  context.strokeStyle = '#c8ced8';
  context.beginPath();
  context.moveTo(toPixel(x, 0), 0);
  context.lineTo(toPixel(x, 0), height);
  context.moveTo(0, toPixel(y, 0));
  context.lineTo(width, toPixel(y, 0));
  context.stroke();
  context.fillStyle = '#0877bd';
  for (let i = 0; i < setup.x.length; i++) {
    context.beginPath();
    context.arc(toPixel(x, setup.x[i]!), toPixel(y, setup.y[i]!), 3.5, 0, 2 * Math.PI);
    context.fill();
  }
  // residual of the first point: the forward pass shown in the numbers
  const { forward } = snapshot;
  context.strokeStyle = '#e8590c';
  context.setLineDash([4, 3]);
  context.beginPath();
  context.moveTo(toPixel(x, forward.x), toPixel(y, forward.target));
  context.lineTo(toPixel(x, forward.x), toPixel(y, forward.prediction));
  context.stroke();
  context.setLineDash([]);
  context.lineWidth = 2.5;
  context.beginPath();
  context.moveTo(toPixel(x, -1.1), toPixel(y, snapshot.a * -1.1 + snapshot.b));
  context.lineTo(toPixel(x, 1.1), toPixel(y, snapshot.a * 1.1 + snapshot.b));
  context.stroke();
  context.lineWidth = 1;
}

function showNumbers(snapshot: LineSnapshot): void {
  const lr = learningRate();
  const set = (id: string, value: number, digits = 4) => (element(id).textContent = formatNumber(value, digits));
  element('line-step-count').textContent = String(snapshot.step);
  set('line-a', snapshot.a);
  set('line-b', snapshot.b);
  set('line-x0', snapshot.forward.x);
  set('line-yhat0', snapshot.forward.prediction);
  set('line-y0', snapshot.forward.target);
  set('line-loss', snapshot.loss, 5);
  element('line-loss').dataset['value'] = String(snapshot.loss);
  set('line-grad-a', snapshot.gradA);
  set('line-grad-b', snapshot.gradB);
  set('line-next-a', snapshot.a - lr * snapshot.gradA);
  set('line-next-b', snapshot.b - lr * snapshot.gradB);
}

function show(snapshot: LineSnapshot): void {
  drawData(snapshot);
  drawSurface({ canvas: surfaceCanvas, image: surfaceImage, window: setup.window, snapshot });
  showNumbers(snapshot);
}

/** Runs one worker call at a time; a failure stops playing and shows the message. */
async function request(call: () => Promise<LineSnapshot>): Promise<void> {
  if (busy) return;
  busy = true;
  try {
    show(await call());
  } catch (error) {
    playing = false;
    playButton.textContent = 'Play';
    showMessage(describeError(error));
  } finally {
    busy = false;
  }
}

let lastPlayStep = 0;
function playLoop(time: number): void {
  if (!playing) return;
  if (time - lastPlayStep >= 60 && !busy) {
    lastPlayStep = time;
    void request(() => worker.step(learningRate()));
  }
  requestAnimationFrame(playLoop);
}

stepButton.addEventListener('click', () => void request(() => worker.step(learningRate())));
resetButton.addEventListener('click', () => void request(() => worker.reset()));
playButton.addEventListener('click', () => {
  playing = !playing;
  playButton.textContent = playing ? 'Pause' : 'Play';
  if (playing) requestAnimationFrame(playLoop);
});
lrInput.addEventListener('input', () => {
  element('line-lr-value').textContent = learningRate().toFixed(2);
  void request(() => worker.step(learningRate(), 0));
});

try {
  setup = await worker.setup();
  surfaceImage = renderSurface(setup.surface);
  show(setup.snapshot);
  for (const button of [stepButton, playButton, resetButton]) button.disabled = false;
  document.body.dataset['ready'] = 'true';
} catch (error) {
  showMessage(`The line demo could not start: ${describeError(error)}`);
}
