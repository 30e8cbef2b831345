// The Line page: draws the data, the fitted line, the loss surface with the descent path and the
// gradient arrow, and the numbers. Every computation happens in line.worker.ts (comlink).
import * as Comlink from 'comlink';
import '../styles.css';
import { heatmapPixels, SEQUENTIAL } from '../shared/heatmap';
import { describeError, element, formatNumber, showMessage, startPage } from '../shared/page';
import { paddedRange, toPixel, type Axis } from '../shared/plot';
import type { LineSnapshot } from './line-fit';
import type { LineSetup, LineWorkerApi } from './line.worker';

startPage();
const worker = Comlink.wrap<LineWorkerApi>(new Worker(new URL('./line.worker.ts', import.meta.url), { type: 'module' }));
const [stepButton, playButton, resetButton] = ['line-step', 'line-play', 'line-reset'].map((id) => element<HTMLButtonElement>(id));
const lrInput = element<HTMLInputElement>('line-lr');
const dataCanvas = element<HTMLCanvasElement>('line-data');
const surfaceCanvas = element<HTMLCanvasElement>('line-surface');

let setup: LineSetup;
let surfaceImage: ImageBitmap | HTMLCanvasElement;
let playing = false;
let busy = false;

const learningRate = () => Number(lrInput.value);

/** The loss surface as an image, once: log-scaled colours so the valley stays visible. */
function renderSurface(): HTMLCanvasElement {
  const { values, columns, rows, min, max } = setup.surface;
  const [low, high] = [Math.log(min + 1e-3), Math.log(max + 1e-3)];
  const pixels = heatmapPixels({ values, columns, rows, palette: SEQUENTIAL, scale: (v) => (Math.log(v + 1e-3) - low) / (high - low) });
  const image = document.createElement('canvas');
  [image.width, image.height] = [columns, rows];
  image.getContext('2d')!.putImageData(new ImageData(pixels, columns, rows), 0, 0);
  return image;
}

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

function drawSurface(snapshot: LineSnapshot): void {
  const context = surfaceCanvas.getContext('2d')!;
  const { width, height } = surfaceCanvas;
  const a: Axis = { data: setup.window.a, pixels: [0, width] };
  const b: Axis = { data: setup.window.b, pixels: [height, 0] };
  context.imageSmoothingEnabled = true;
  context.drawImage(surfaceImage, 0, 0, width, height);
  context.strokeStyle = '#ffffff';
  context.lineWidth = 1.5;
  context.beginPath();
  snapshot.path.forEach(([pa, pb], i) => (i === 0 ? context.moveTo(toPixel(a, pa), toPixel(b, pb)) : context.lineTo(toPixel(a, pa), toPixel(b, pb))));
  context.stroke();
  const [px, py] = [toPixel(a, snapshot.a), toPixel(b, snapshot.b)];
  // −gradient: the direction the next step goes; its length grows with |∇| (capped)
  const norm = Math.hypot(snapshot.gradA, snapshot.gradB);
  if (norm > 1e-9) {
    const length = Math.min(90, 12 + 12 * norm);
    const [dx, dy] = [(-snapshot.gradA / norm) * length, (snapshot.gradB / norm) * length];
    drawArrow(context, px, py, px + dx, py + dy);
  }
  context.fillStyle = '#ffffff';
  context.beginPath();
  context.arc(px, py, 5, 0, 2 * Math.PI);
  context.fill();
  context.fillStyle = '#ffffff';
  context.font = '12px system-ui';
  context.fillText(`a →  (${setup.window.a.join(' … ')})`, 8, height - 8);
  context.fillText(`b ↑  (${setup.window.b.join(' … ')})`, 8, 16);
}

function drawArrow(context: CanvasRenderingContext2D, x0: number, y0: number, x1: number, y1: number): void {
  const angle = Math.atan2(y1 - y0, x1 - x0);
  context.strokeStyle = '#7CFC9A';
  context.fillStyle = '#7CFC9A';
  context.lineWidth = 2.5;
  context.beginPath();
  context.moveTo(x0, y0);
  context.lineTo(x1, y1);
  context.stroke();
  context.beginPath();
  context.moveTo(x1, y1);
  context.lineTo(x1 - 10 * Math.cos(angle - 0.4), y1 - 10 * Math.sin(angle - 0.4));
  context.lineTo(x1 - 10 * Math.cos(angle + 0.4), y1 - 10 * Math.sin(angle + 0.4));
  context.fill();
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
  drawSurface(snapshot);
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
  surfaceImage = renderSurface();
  show(setup.snapshot);
  for (const button of [stepButton, playButton, resetButton]) button.disabled = false;
  document.body.dataset['ready'] = 'true';
} catch (error) {
  showMessage(`The line demo could not start: ${describeError(error)}`);
}
