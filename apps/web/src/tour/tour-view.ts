// The tour page: wires each section's widget to the tour worker and draws its answers (the line,
// a digit's pixels, the prediction, the losses, the gradient comparison, descent). No math here.
import * as Comlink from 'comlink';
import '../styles.css';
import { drawingToInput } from '../digits/drawing';
import { describeError, element, formatNumber, showMessage, startPage } from '../shared/page';
import { toPixel, type Axis } from '../shared/plot';
import type { LineSnapshot } from '../line/line-fit';
import type { LineWorkerApi } from '../line/line.worker';
import { drawSurface, renderSurface } from '../line/surface-view';
import type { DigitForward } from './tour-session';
import type { TourWorkerApi } from './tour.worker';

startPage();
const worker = Comlink.wrap<TourWorkerApi>(
  new Worker(new URL('./tour.worker.ts', import.meta.url), { type: 'module' }),
);
const p4 = (value: number) => formatNumber(value, 4);
const ms = (value: number) => (value < 0.1 ? `${(value * 1000).toFixed(1)} µs` : `${value.toFixed(2)} ms`);
/** Sets an element's text and keeps the full-precision number in data-value (tests read it). */
function show(id: string, value: number, text = p4(value)): void {
  const target = element(id);
  target.textContent = text;
  target.dataset['value'] = String(value);
}

// --- 1. a network is a function ---
const [aInput, bInput] = [element<HTMLInputElement>('tour-a'), element<HTMLInputElement>('tour-b')];
const XS = Float32Array.from({ length: 41 }, (_, i) => -2 + i * 0.1);
async function drawLine(): Promise<void> {
  const [a, b] = [Number(aInput.value), Number(bInput.value)];
  element('tour-a-value').textContent = formatNumber(a, 1);
  element('tour-b-value').textContent = formatNumber(b, 1);
  const ys = await worker.line(a, b, XS);
  const canvas = element<HTMLCanvasElement>('tour-line');
  const context = canvas.getContext('2d')!;
  const x: Axis = { data: [-2, 2], pixels: [0, canvas.width] };
  const y: Axis = { data: [-8, 8], pixels: [canvas.height, 0] };
  context.clearRect(0, 0, canvas.width, canvas.height);
  context.strokeStyle = '#c9d1dc';
  context.beginPath();
  context.moveTo(toPixel(x, 0), 0);
  context.lineTo(toPixel(x, 0), canvas.height);
  context.moveTo(0, toPixel(y, 0));
  context.lineTo(canvas.width, toPixel(y, 0));
  context.stroke();
  context.strokeStyle = '#0877bd';
  context.lineWidth = 2.5;
  context.beginPath();
  XS.forEach((value, i) =>
    (i === 0 ? context.moveTo : context.lineTo).call(context, toPixel(x, value), toPixel(y, ys[i]!)),
  );
  context.stroke();
  context.lineWidth = 1;
  const at = XS.indexOf(XS.find((value) => Math.abs(value - 1.5) < 1e-6)!);
  const eq = element('tour-line-eq');
  const signed = (v: number) => (v < 0 ? `(${formatNumber(v, 1)})` : formatNumber(v, 1));
  eq.textContent = `x = 1.5 → y = ${signed(a)}·1.5 + ${signed(b)} = ${formatNumber(ys[at]!, 2)}`;
  eq.dataset['a'] = String(a);
  eq.dataset['b'] = String(b);
  eq.dataset['y'] = String(ys[at]);
}
aInput.addEventListener('input', () => void drawLine().catch(fail));
bInput.addEventListener('input', () => void drawLine().catch(fail));

// --- 2. forward propagation, 3. the loss ---
let digit: DigitForward | null = null;
function drawDigit(forward: DigitForward): void {
  digit = forward;
  const canvas = element<HTMLCanvasElement>('tour-digit');
  const context = canvas.getContext('2d')!;
  const cell = canvas.width / 28;
  for (let i = 0; i < 784; i++) {
    const shade = Math.round(255 * (1 - forward.pixels[i]!));
    context.fillStyle = `rgb(${shade} ${shade} ${shade})`;
    context.fillRect((i % 28) * cell, Math.floor(i / 28) * cell, cell, cell);
  }
  drawMatrix(forward.pixels);
  show('tour-p', forward.p);
  const answer = `so the right answer is ${forward.label} (${forward.label === 1 ? 'yes' : 'no'})`;
  element('tour-digit-label').textContent =
    forward.digit === null
      ? `your drawing, as 28×28 pixels; you say it is ${forward.label === 1 ? '' : 'not '}a 3, ${answer}`
      : `digit ${forward.index + 1} of the tour's training set: a ${forward.digit}, ${answer}`;
  show('tour-label', forward.label, String(forward.label));
  show('tour-loss-p', forward.p);
  show('tour-simple-loss', forward.simpleLoss);
  show('tour-cross-entropy', forward.crossEntropy);
  const right = forward.label === 1 ? forward.p : 1 - forward.p;
  element('tour-loss-text').textContent =
    `|${forward.label} − ${p4(forward.p)}| = ${p4(forward.simpleLoss)};  cross-entropy = −log ${p4(right)} = ${p4(forward.crossEntropy)}` +
    ` (the probability of the right answer). Had it said 0.01 for the right answer: distance 0.99, cross-entropy −log 0.01 = 4.6.`;
}
/** The pixels as the matrix of numbers they are: one decimal per cell, on its own grey. */
function drawMatrix(pixels: Float32Array): void {
  const canvas = element<HTMLCanvasElement>('tour-matrix');
  const context = canvas.getContext('2d')!;
  const cell = canvas.width / 28;
  context.font = `${Math.floor(cell * 0.55)}px ui-monospace, monospace`;
  context.textAlign = 'center';
  context.textBaseline = 'middle';
  for (let i = 0; i < 784; i++) {
    const [x, y] = [(i % 28) * cell, Math.floor(i / 28) * cell];
    const shade = Math.round(255 * (1 - pixels[i]!));
    context.fillStyle = `rgb(${shade} ${shade} ${shade})`;
    context.fillRect(x, y, cell, cell);
    context.fillStyle = pixels[i]! > 0.5 ? '#fff' : '#5a6577';
    const tenths = Math.round(pixels[i]! * 10); // one decimal: 0, .1 … .9, 1
    context.fillText(tenths === 0 ? '0' : tenths === 10 ? '1' : `.${tenths}`, x + cell / 2, y + cell / 2);
  }
  canvas.dataset['sum'] = String(pixels.reduce((sum, v) => sum + v, 0));
}

async function showDigit(index: number): Promise<void> {
  drawDigit(await worker.forwardDigit(index));
}
const digitCanvas = element<HTMLCanvasElement>('tour-digit');
digitCanvas.addEventListener('pointermove', (event) => {
  if (digit === null) return;
  const box = digitCanvas.getBoundingClientRect();
  const column = Math.min(27, Math.floor(((event.clientX - box.left) / box.width) * 28));
  const row = Math.min(27, Math.floor(((event.clientY - box.top) / box.height) * 28));
  element('tour-pixel').textContent =
    `pixel (row ${row + 1}, column ${column + 1}) = ${formatNumber(digit.pixels[row * 28 + column]!, 3)}`;
});
element('tour-prev').addEventListener('click', () => void showDigit((digit?.index ?? 0) - 1).catch(fail));
element('tour-next').addEventListener('click', () => void showDigit((digit?.index ?? 0) + 1).catch(fail));
element('tour-next-three').addEventListener(
  'click',
  () => void (async () => showDigit(await worker.findUnsure((digit?.index ?? 0) + 1, true)))().catch(fail),
);

// the reader's own digit: ink → 28×28 like MNIST (cropped, scaled, centred by mass), as on the Digits page
const pad = element<HTMLCanvasElement>('tour-draw');
const pen = pad.getContext('2d', { willReadFrequently: true })!;
Object.assign(pen, { lineWidth: 14, lineCap: 'round', lineJoin: 'round', strokeStyle: '#000' });
const threeBox = element<HTMLInputElement>('tour-draw-three');
let drawn: Float32Array | null = null;
let penDown = false;
const at = (event: PointerEvent): [number, number] => {
  const box = pad.getBoundingClientRect();
  return [((event.clientX - box.left) * pad.width) / box.width, ((event.clientY - box.top) * pad.height) / box.height];
};
pad.addEventListener('pointerdown', (event) => {
  penDown = true;
  pad.setPointerCapture(event.pointerId);
  pen.beginPath();
  pen.moveTo(...at(event));
});
pad.addEventListener('pointermove', (event) => {
  if (!penDown) return;
  pen.lineTo(...at(event));
  pen.stroke();
});
async function useDrawing(): Promise<void> {
  const { data, width, height } = pen.getImageData(0, 0, pad.width, pad.height);
  const input = drawingToInput(
    Uint8ClampedArray.from({ length: width * height }, (_, i) => data[4 * i + 3]!),
    width,
    height,
  );
  if (input === null) return;
  drawn = input;
  drawDigit(await worker.forwardDrawn(input, threeBox.checked ? 1 : 0));
}
pad.addEventListener('pointerup', () => {
  penDown = false;
  void useDrawing().catch(fail);
});
threeBox.addEventListener(
  'change',
  () => void (drawn !== null && digit?.index === -1 ? useDrawing().catch(fail) : undefined),
);
element('tour-draw-clear').addEventListener('click', () => {
  pen.clearRect(0, 0, pad.width, pad.height);
  drawn = null;
});

// --- 4. the hiker: the Line page's worker, loss surface and walk ---
const lineWorker = Comlink.wrap<LineWorkerApi>(
  new Worker(new URL('../line/line.worker.ts', import.meta.url), { type: 'module' }),
);
const hike = await lineWorker.setup();
const surfaceImage = renderSurface(hike.surface);
function drawHike(snapshot: LineSnapshot): void {
  drawSurface({
    canvas: element<HTMLCanvasElement>('tour-surface'),
    image: surfaceImage,
    window: hike.window,
    snapshot,
  });
  show('tour-walk-loss', snapshot.loss);
  element('tour-walk-steps').textContent = String(snapshot.step);
}
/** The Line page's default learning rate: a steady walk into the valley. */
const HIKE_RATE = 0.1;
element('tour-walk-step').addEventListener('click', () => void lineWorker.step(HIKE_RATE).then(drawHike, fail));
element('tour-walk-ten').addEventListener('click', () => void lineWorker.step(HIKE_RATE, 10).then(drawHike, fail));
element('tour-walk-reset').addEventListener('click', () => void lineWorker.reset().then(drawHike, fail));
drawHike(hike.snapshot);

// --- 5. why gradients ---
element('tour-compare').addEventListener(
  'click',
  () =>
    void (async () => {
      const result = await worker.compareGradients(Number(aInput.value), Number(bInput.value));
      element('tour-compare-table').hidden = false;
      show('tour-fd-a', result.finiteDifference[0]);
      show('tour-fd-b', result.finiteDifference[1]);
      show('tour-bw-a', result.backward[0]);
      show('tour-bw-b', result.backward[1]);
      element('tour-fd-ms').textContent = ms(result.finiteDifferenceMs);
      element('tour-bw-ms').textContent = ms(result.backwardMs);
      const { parameters, forwardMs, projectedFiniteDifferenceMs, backwardMs } = result.digits;
      element('tour-compare-text').textContent =
        `The two agree (to ${Math.max(...[0, 1].map((k) => Math.abs(result.finiteDifference[k]! - result.backward[k]!))).toExponential(1)}). ` +
        `For 2 parameters nudging costs little. The digits network of step 2 has ${parameters.toLocaleString('en-US')} parameters: ` +
        `nudging needs ${(2 * parameters).toLocaleString('en-US')} forward passes of ${ms(forwardMs)} each ≈ ${ms(projectedFiniteDifferenceMs)} per gradient, ` +
        `against ${ms(backwardMs)} for one forward and backward pass — ${Math.round(projectedFiniteDifferenceMs / backwardMs).toLocaleString('en-US')}× faster.`;
      element('tour-compare-text').dataset['parameters'] = String(parameters);
    })().catch(fail),
);

// --- 6. gradient descent ---
const path: number[] = [];
element('tour-descend').addEventListener(
  'click',
  () =>
    void (async () => {
      if (digit === null) return;
      const target =
        digit.index === -1 && drawn !== null ? { pixels: drawn, label: digit.label as 0 | 1 } : digit.index;
      const after = await worker.descend(target, 0.1);
      if (path.length === 0 || path.at(-1) !== after.before) path.splice(0, path.length, after.before);
      path.push(after.p);
      const shown = element('tour-descent-path');
      shown.textContent = path.map((p) => formatNumber(p, 3)).join(' → ');
      shown.dataset['values'] = JSON.stringify(path);
      drawDigit(after);
    })().catch(fail),
);

function fail(error: unknown): void {
  showMessage(describeError(error));
}

element('tour-p').textContent = 'training the network…';
await drawLine();
await worker.load();
await showDigit(await worker.findUnsure(0, true));
document.body.dataset['ready'] = 'true';
