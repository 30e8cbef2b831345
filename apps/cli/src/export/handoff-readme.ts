// README.md of the PyTorch hand-off folder: the exact commands, run from that folder, for CPU and
// GPU, and the way back into Backprop. Imports nothing; values from files are numbers or cleaned text.

/** What the folder's README says about the run. */
export interface HandoffReadmeOptions {
  /** The data, as Backprop describes it (shown as plain text). */
  description: string;
  trainSamples: number;
  testSamples: number;
  /** The run's planned epochs, and where it is. */
  epochs: number;
  epochsDone: number;
  /** Backprop's last test loss, or null before the first epoch ended. */
  lastTestLoss: number | null;
  /** False when the run had no checkpoint: only model.py and the weights were written. */
  training: boolean;
}

/** Text from a file as one line of plain Markdown text: printable characters, no code spans or markup. */
function plain(text: string): string {
  return text
    .replace(/[^\p{L}\p{N} ,.:;()/+=%×÷-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}

/**
 * The folder's README.md.
 *
 * @example
 * ```ts
 * handoffReadme({ description: 'MNIST', trainSamples: 8000, testSamples: 2000, epochs: 8, epochsDone: 8, lastTestLoss: 0.0624, training: true });
 * ```
 */
export function handoffReadme(options: HandoffReadmeOptions): string {
  const more = Math.max(options.epochs, options.epochsDone) + Math.max(1, options.epochsDone);
  const model = `# A Backprop run, ready for PyTorch

Exported by \`backprop export\`: ${plain(options.description)} (${options.trainSamples} training and
${options.testSamples} test samples). Everything here needs only PyTorch (\`torch\`; no \`safetensors\`
package, no torchvision). Run every command **from this folder**, with the \`python3\` that has PyTorch
(on Debian: \`apt-get install python3-torch\`, then \`/usr/bin/python3\`).

| file | what |
| --- | --- |
| \`model.py\` | \`BackpropModel\` (the \`torch.nn\` twin; \`load()\` is strict), \`preprocess\` (raw values → inputs), \`INPUT_SHAPE\`, \`CLASSES\`, a safetensors reader/writer |
| \`model.safetensors\` | the weights, PyTorch names and layouts |
${
  options.training
    ? `| \`train.py\` | continues training under \`torchrun\` + DistributedDataParallel (CPU: gloo, GPU: nccl) |
| \`optimizer.safetensors\`, \`training.json\` | Backprop's optimizer moments and step counts, the schedule and where the run is |
`
    : ''
}| \`data/train.safetensors\`, \`data/test.safetensors\` | the run's training and test sets: \`inputs\` (float32, preprocessed) and \`labels\` |

## Check the model

\`\`\`bash
python3 model.py
\`\`\`

loads the weights with \`strict=True\` and evaluates them on \`data/test.safetensors\`${options.lastTestLoss === null ? '' : ` (Backprop's last test loss was ${options.lastTestLoss.toFixed(4)})`}.
In your own code: \`from model import load, preprocess; model = load(); logits = model(preprocess(raw))\`.
`;
  if (!options.training) {
    return `${model}
## Training

The run had no \`checkpoint.safetensors\`, so no optimizer state was exported and there is no
\`train.py\`: export a run directory written by \`backprop train\` to continue training.
`;
  }
  return `${model}
## Continue training

The run is at epoch ${options.epochsDone} of ${options.epochs}. \`train.py\` starts from Backprop's weights, optimizer
moments, step count and learning-rate schedule position, with the same loss (cross-entropy), the same
augmentation and the same global batch, so the loss continues where Backprop left it. \`--epochs N\`
is the total epoch count. Beyond the run's own, \`--extend tail\` (default) finishes the schedule and
then lets the rate fall from that of the run's last epoch to 0 over the extra epochs (the descent
continues); \`--extend stretch\` re-plans the whole schedule over N epochs (a finished cosine run
restarts from a higher rate: the loss rises first, then usually ends lower). The start line prints
the rate before and after.

\`\`\`bash
python3 train.py --epochs ${more}                                                          # one process: CPU, or one GPU
torchrun --redirects 1 --tee 1 --standalone --nproc_per_node 2 train.py --epochs ${more}   # 2 processes: gloo on CPU, nccl on GPUs
torchrun --redirects 1 --tee 1 --standalone --nproc_per_node 8 train.py --epochs ${more}   # 8 GPUs, one process each (nccl)
\`\`\`

\`--redirects 1 --tee 1\` (worker output to log files, and also to the terminal) is what makes
\`torchrun\` work on **Python 3.11 with PyTorch 1.13** (e.g. Debian 12's \`python3-torch\`): without it,
torchrun crashes before starting a worker (\`AttributeError: 'NoneType' object has no attribute 'get'\`).
Elsewhere it is harmless, and you may drop it.

Across hosts, replace \`--standalone\` by torchrun's \`--nnodes\`, \`--node_rank\` and \`--rdzv_endpoint\`.
The global batch must split evenly over the processes (\`--batch-size\` to change it); \`--device cpu\`
keeps GPUs out; \`--steps N\` stops after N steps.

Results go to \`trained/\`: \`model.safetensors\` (the weights), \`checkpoint.pt\` (model and optimizer
for \`torch.load\`) and \`metrics.jsonl\` (one line per epoch; the first is the start).

## Back into Backprop

From the directory where you ran \`backprop export\`, with RUN the run directory:

\`\`\`bash
backprop eval RUN --weights RUN/pytorch/trained/model.safetensors
backprop predict RUN --weights RUN/pytorch/trained/model.safetensors digit.png
backprop train --init-from RUN/pytorch/trained/model.safetensors --model …   # same model options as the run
\`\`\`
`;
}
