// "One step, slowly": the panel that walks one training point through forward, loss, backward and
// descent with Next / Back, listing the engine's numbers of each stage. The worker computes them.
import type { Remote } from 'comlink';
import { formatSignificant as f } from '../shared/page';
import type { LayerWeights } from './network-probe';
import { neuronName } from './network-layout';
import { stepStages, type StepStage } from './network-scenes';
import type { PlaygroundWorkerApi } from './playground.worker';
import type { PlaygroundReport, PointStep } from './session';

/** What the panel needs from the page. */
export interface SlowStepOptions {
  worker: Remote<PlaygroundWorkerApi>;
  /** The panel's elements, by role. */
  elements: {
    back: HTMLButtonElement;
    next: HTMLButtonElement;
    nextPoint: HTMLButtonElement;
    stage: HTMLElement;
    text: HTMLElement;
    table: HTMLTableSectionElement;
  };
  /** Called at each stage (to redraw the network view), and with the new boundary once the step is taken. */
  onStage(step: PointStep, stage: StepStage, after: LayerWeights[] | null): void;
  onStepTaken(report: PlaygroundReport): void;
}

type Row = [key: string, name: string, value: number, detail?: string];

/**
 * The walk through one step; `pick(index)` starts it on a training point.
 *
 * @example
 * ```ts
 * const slow = new SlowStep({ worker, elements, onStage: (step, stage, after) => view.render(stepScene(step, stage, after)), onStepTaken: draw });
 * await slow.pick(17); // then the Next / Back buttons walk it
 * ```
 */
export class SlowStep {
  readonly #options: SlowStepOptions;
  #step: PointStep | null = null;
  #stages: StepStage[] = [];
  #position = 0;
  #after: LayerWeights[] | null = null;

  constructor(options: SlowStepOptions) {
    this.#options = options;
    const { back, next, nextPoint } = options.elements;
    back.addEventListener('click', () => this.#go(this.#position - 1));
    next.addEventListener('click', () => void this.#advance());
    nextPoint.addEventListener('click', () => void this.pick(this.#step === null ? 0 : this.#step.index + 1));
  }

  /** The training point being stepped, or null. */
  get index(): number | null {
    return this.#step?.index ?? null;
  }

  /** Forgets the walk (the weights changed under it: new run or training). */
  reset(): void {
    this.#step = null;
    this.#after = null;
    this.#options.elements.stage.textContent = 'Click a training point on the boundary (or take the next one).';
    this.#options.elements.text.textContent = '';
    this.#options.elements.table.replaceChildren();
    this.#options.elements.back.disabled = true;
    this.#options.elements.next.disabled = true;
  }

  /** Traces training point `index` (wrapping around) in the worker and shows its first stage. */
  async pick(index: number): Promise<void> {
    const step = await this.#options.worker.tracePoint(index);
    this.#step = step;
    this.#after = null;
    this.#stages = stepStages(step.trace.widths.length - 1);
    this.#go(0);
  }

  async #advance(): Promise<void> {
    const target = this.#position + 1;
    if (this.#stages[target]?.kind === 'descent' && this.#after === null) {
      const { after, report } = await this.#options.worker.stepTraced();
      this.#after = after;
      this.#options.onStepTaken(report);
    }
    this.#go(target);
  }

  #go(position: number): void {
    const step = this.#step;
    if (step === null || position < 0 || position >= this.#stages.length) return;
    this.#position = position;
    const stage = this.#stages[position]!;
    const { back, next, stage: heading, text, table } = this.#options.elements;
    back.disabled = position === 0;
    next.disabled = position === this.#stages.length - 1;
    const [title, explanation, rows] = describe(step, stage, this.#after);
    heading.textContent = `Point ${step.index + 1} (label ${step.label === 1 ? 'blue' : 'orange'}) · ${position + 1}/${this.#stages.length} · ${title}`;
    heading.dataset['stage'] = stage.kind;
    text.textContent = explanation;
    table.replaceChildren(
      ...rows.map(([key, name, value, detail]) => {
        const row = document.createElement('tr');
        row.dataset['key'] = key;
        row.dataset['value'] = String(value);
        row.append(cell(name), cell(f(value)), cell(detail ?? ''));
        return row;
      }),
    );
    this.#options.onStage(step, stage, this.#after);
  }
}

function cell(text: string): HTMLTableCellElement {
  return Object.assign(document.createElement('td'), { textContent: text });
}

/** The stage's title, a sentence, and its numbers (key, name, value, how it was made). */
function describe(step: PointStep, stage: StepStage, after: LayerWeights[] | null): [string, string, Row[]] {
  const { trace } = step;
  const widths = trace.widths;
  const last = widths.length - 1;
  const name = (layer: number, index: number) => neuronName(widths, layer, index);
  const range = (layer: number) => Array.from({ length: widths[layer]! }, (_, j) => j);
  if (stage.kind === 'forward') {
    const k = stage.layer;
    const rows: Row[] =
      k === 1 ? range(0).map((j): Row => [`a.0.${j}`, name(0, j), trace.activations[0]![j]!, 'the point']) : [];
    for (const j of range(k)) {
      rows.push([`z.${k}.${j}`, `z ${name(k, j)}`, trace.preActivations[k]![j]!, 'Σ w·input + b']);
      if (k < last) rows.push([`a.${k}.${j}`, `a ${name(k, j)}`, trace.activations[k]![j]!, 'activation(z)']);
    }
    const what = k === last ? 'the two class scores' : `hidden layer ${k}`;
    return [
      `Forward: ${what}`,
      `Each neuron adds up its inputs times their weights, plus its bias (z), and passes z through its activation (a). Values flow left to right.`,
      rows,
    ];
  }
  if (stage.kind === 'loss') {
    const p = trace.probabilities[step.label]!;
    return [
      'Loss',
      `Softmax turns the two scores into probabilities. The network gives the true class (${step.label === 1 ? 'blue' : 'orange'}) P = ${f(p)}; the cross-entropy loss is −log P = ${f(trace.loss)}: 0 if certain and right, large if confident and wrong.`,
      [
        ['p.0', 'P(orange)', trace.probabilities[0]!],
        ['p.1', 'P(blue)', trace.probabilities[1]!],
        ['label', 'label', step.label, step.label === 1 ? 'blue' : 'orange'],
        ['loss', 'loss', trace.loss, '−log P(label)'],
      ],
    ];
  }
  if (stage.kind === 'backward') {
    const k = stage.layer;
    const rows: Row[] = [];
    for (const j of range(k)) {
      if (k < last)
        rows.push([
          `ga.${k}.${j}`,
          `∂loss/∂a ${name(k, j)}`,
          trace.activationGradients[k]![j]!,
          'Σ over next layer: w · ∂loss/∂z',
        ]);
      rows.push([
        `gz.${k}.${j}`,
        `∂loss/∂z ${name(k, j)}`,
        trace.preActivationGradients[k]![j]!,
        k === last ? 'P − onehot(label)' : '∂loss/∂a · activation′(z)',
      ]);
    }
    const { weight, bias, inputs } = trace.weightGradients[k]!;
    for (const j of range(k)) {
      for (let i = 0; i < inputs; i++) {
        const detail = `${f(trace.preActivationGradients[k]![j]!)} × ${f(trace.activations[k - 1]![i]!)}`;
        rows.push([`gw.${k}.${j}.${i}`, `∂loss/∂w ${name(k - 1, i)}→${name(k, j)}`, weight[j * inputs + i]!, detail]);
      }
      rows.push([`gb.${k}.${j}`, `∂loss/∂b ${name(k, j)}`, bias[j]!, '= ∂loss/∂z']);
    }
    return [
      `Backward: layer ${k}`,
      "The gradient flows right to left. Each weight's gradient is ∂loss/∂z of the neuron it feeds times the input it carries (hover an edge to see the product).",
      rows,
    ];
  }
  const rows: Row[] = [];
  for (let k = 1; k <= last; k++) {
    const before = step.before[k]!;
    const now = after?.[k] ?? before;
    for (let i = 0; i < before.weight.length; i++) {
      const [to, from] = [Math.floor(i / before.inputs), i % before.inputs];
      rows.push([
        `w.${k}.${to}.${from}`,
        `w ${name(k - 1, from)}→${name(k, to)}`,
        now.weight[i]!,
        `${f(before.weight[i]!)} → ${f(now.weight[i]!)}`,
      ]);
    }
    for (let j = 0; j < before.bias.length; j++)
      rows.push([`b.${k}.${j}`, `b ${name(k, j)}`, now.bias[j]!, `${f(before.bias[j]!)} → ${f(now.bias[j]!)}`]);
  }
  const decay = step.l2 > 0 ? ` + ${step.l2}·w (L2)` : '';
  return [
    'Descent',
    `Every weight moves against its gradient: w ← w − ${step.learningRate}·(∂loss/∂w${decay}). The boundary is redrawn with the new weights.`,
    rows,
  ];
}
