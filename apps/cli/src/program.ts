// The `backprop` command line (commander): commands, options, help texts with examples.
// Each action hands its options to a function in commands/ and records the exit code.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { benchCommand } from './commands/bench.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { predictCommand } from './commands/predict.js';
import { trainCommand } from './commands/train.js';
import { AUGMENTATIONS, OPTIMIZERS, SCHEDULES } from './config/train-config.js';

const TRAIN_EXAMPLES = `
Data (--data):
  mnist                       the 10,000 embedded MNIST digits, fixed 8,000 / 2,000 split (default)
  spiral | circles | xor      1,000 2-D points, a seeded 800 / 200 train / test split
  DIR                         pictures, one subfolder per class (DIR/cat/*.jpg, DIR/not-cat/*.png):
                              PNG or JPEG, resized to --image-size, a stratified --val-split
  DIR                         IDX files: train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz]
                              (+ t10k-* as the test set, else a seeded 80 / 20 split)
  IMAGES,LABELS               an IDX images file and its labels file
  FILE.csv                    label first, then the features (784 columns: 28×28 images)

Examples:
  $ backprop train                                   # MNIST, CNN, every core: ≥ 97.5% in under 2 minutes
  $ backprop train --model mlp --epochs 10 --out runs/mlp
  $ backprop train --data circles --epochs 20 --lr 0.01
  $ backprop train --data ./pictures --image-size 48   # cat or not cat, on your own photos
  $ backprop train --data ~/fashion-mnist --model net.json --workers 2
  $ backprop train --config experiment.json --json > events.jsonl
  $ backprop train --resume runs/mnist-cnn-1           # after Ctrl-C: continues exactly

Ctrl-C stops after the current step, saves a checkpoint and prints how to resume (exit 130).
`;

/**
 * The program; `run` records each command's exit code through `setExitCode`.
 *
 * @example
 * ```ts
 * await createProgram((code) => (process.exitCode = code)).parseAsync(process.argv);
 * ```
 */
export function createProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('backprop')
    .description('Train, evaluate, run, benchmark and export neural networks — on every core, from first principles.')
    .version(PACKAGE_VERSION, '-V, --version')
    .option('--verbose', 'print stack traces of errors')
    .showSuggestionAfterError(true)
    .addHelpText(
      'after',
      `
Examples:
  $ backprop train                                   # train a CNN on MNIST with every core
  $ backprop eval runs/mnist-cnn-1                   # test accuracy, per class, confusion matrix
  $ backprop predict runs/mnist-cnn-1 digit.png      # top-3 classes of an image
  $ backprop bench                                   # samples/s for 1 … N workers, matmul GFLOP/s
  $ backprop export runs/mnist-cnn-1                 # model.py, train.py (torchrun/DDP) and data for PyTorch

Exit codes: 0 ok, 1 runtime error, 2 usage error, 130 stopped by Ctrl-C, 141 stopped because stdout was closed.
Run 'backprop <command> --help' for a command's options.`,
    );

  const run = (action: () => Promise<number>) => async () => setExitCode(await action());

  program
    .command('train')
    .description('train a model; writes a run directory (config, metrics, model, checkpoint, curves)')
    .option(
      '--data <source>',
      'mnist, spiral, circles, xor, an IDX directory, IMAGES,LABELS or a .csv file (default: mnist)',
    )
    .option(
      '--model <name>',
      'mlp, cnn, photo-cnn or a JSON model spec file (default: photo-cnn for picture folders, cnn for digits, else mlp)',
    )
    .option('--hidden <widths>', 'hidden layer widths of the mlp preset, e.g. 256,128')
    .option(
      '--channels <c1,c2>',
      "channels of the cnn preset's two convolutions (default 4,12), or photo-cnn's first two blocks (default 16,32)",
    )
    .option('--epochs <n>', 'passes over the training set (default: 8 for MNIST, 40 for 2-D sets, 10 for CSV)')
    .option('--batch-size <n>', 'samples per optimizer step (default 32)')
    .option('--lr <rate>', 'learning rate, the peak for onecycle (default: 0.002 Adam, 0.01 on 2-D sets, 0.05 SGD)')
    .addOption(
      new Option('--optimizer <name>', 'optimizer (default adam; sgd has momentum 0.9)')
        .choices(OPTIMIZERS)
        .argParser((value: string) => value),
    )
    .addOption(
      new Option('--schedule <name>', 'learning-rate schedule over the run (default cosine)')
        .choices(SCHEDULES)
        .argParser((value: string) => value),
    )
    .addOption(
      new Option(
        '--augment <kind>',
        'shift: move each training image by up to 1 pixel (default for digits); flip-shift: mirror half of them and move by up to 2 (default for pictures)',
      )
        .choices(AUGMENTATIONS)
        .argParser((value: string) => value),
    )
    .option('--image-size <n>', 'pictures: side of the square they are centre-cropped and resized to (default 32)')
    .option('--grayscale', 'pictures: read one grey channel instead of RGB')
    .option('--val-split <fraction>', 'pictures: share of each class held out for validation (default 0.2, seeded)')
    .option('--skip-bad', 'pictures: leave out files that do not decode (listed as warnings) instead of stopping')
    .option('--max-pixels <n>', 'pictures: most pixels a file may declare in its header (default 50000000)')
    .option('--workers <n>', 'worker threads (default: every core); does not change the result')
    .option('--seed <n>', 'seed of the weights, the shuffles and the augmentation (default 1)')
    .option('--chunk-size <n>', 'samples per chunk of work; part of the result (default: 16 for MNIST, else 32)')
    .option('--limit <n>', 'use only the first n training and n test samples')
    .option('--max-classes <n>', 'most classes the labels may ask for (default 1000)')
    .option('--out <dir>', 'run directory (default: runs/<data>-<model>-<n>)')
    .option('--force', 'replace the run in an existing --out directory')
    .option('--resume <dir>', 'continue a stopped run; ends bit-identical to an uninterrupted one')
    .option(
      '--init-from <file>',
      "start from these weights (a safetensors state_dict with the model's names, e.g. from PyTorch) instead of random ones",
    )
    .option('--config <file>', 'JSON file of options, e.g. {"epochs": 5, "batchSize": 128}; flags win')
    .option('--json', 'one JSON object per event on stdout')
    .option('--quiet', 'print nothing but errors')
    .option('--verbose', 'print stack traces of errors')
    .addHelpText('after', TRAIN_EXAMPLES)
    .action(async (options: Record<string, unknown>) => run(() => trainCommand(options))());

  program
    .command('eval')
    .description('test loss, accuracy, per-class accuracy and the confusion matrix of a trained run')
    .argument('<dir>', 'run directory')
    .option(
      '--data <source>',
      "evaluate on another data source of the same shape (default: the run's test set); a picture folder is scored whole",
    )
    .option('--limit <n>', 'use only the first n test samples')
    .option('--max-classes <n>', 'most classes the model and labels may have (default 1000)')
    .option(
      '--weights <file>',
      "evaluate these weights (a safetensors state_dict, e.g. from the export's train.py) in the run's model",
    )
    .option('--json', 'print the results as one JSON object')
    .option('--verbose', 'print stack traces of errors')
    .addHelpText(
      'after',
      `
Examples:
  $ backprop eval runs/mnist-cnn-1
  $ backprop eval runs/mnist-cnn-1 --data ~/mnist --json
  $ backprop eval runs/pictures-photo-cnn-1 --data held-out-pictures
  $ backprop eval runs/mnist-cnn-1 --weights runs/mnist-cnn-1/pytorch/trained/model.safetensors`,
    )
    .action(async (dir: string, options: Record<string, unknown>) => run(() => evalCommand(dir, options))());

  program
    .command('predict')
    .description(
      'top-3 classes with probabilities for PNG or JPEG images (any size; grey or RGB as the model takes, resized)',
    )
    .argument('<dir>', 'run directory')
    .argument('<images...>', 'PNG or JPEG files')
    .option('--invert', 'invert every image (a digits model reads light ink on dark, as MNIST)')
    .option(
      '--no-auto-invert',
      'keep dark-on-light drawings as they are (by default a digits model inverts them, told by their border)',
    )
    .option('--max-pixels <n>', 'most pixels an image may declare in its header (default 50000000)')
    .option(
      '--weights <file>',
      "use these weights (a safetensors state_dict, e.g. from the export's train.py) in the run's model",
    )
    .option('--json', 'one JSON object per image')
    .option('--verbose', 'print stack traces of errors')
    .addHelpText(
      'after',
      `
Examples:
  $ backprop predict runs/mnist-cnn-1 seven.png          # pen on paper is inverted for a digits model, with a note
  $ backprop predict runs/mnist-cnn-1 --invert drawings/*.png`,
    )
    .action(async (dir: string, images: string[], options: Record<string, unknown>) =>
      run(() => predictCommand(dir, images, options))(),
    );

  program
    .command('bench')
    .description('training samples/s for 1 … N workers (MNIST MLP and CNN, photo-cnn on 32×32 RGB) and matmul GFLOP/s')
    .option('--workers <n>', 'largest worker count (default: every core)')
    .option('--steps <n>', 'timed steps per measurement (default 20)')
    .option('--batch-size <n>', 'samples per step (default 256)')
    .option('--json', 'print the results as one JSON object')
    .option('--verbose', 'print stack traces of errors')
    .addHelpText(
      'after',
      `
Examples:
  $ backprop bench
  $ backprop bench --workers 4 --steps 50`,
    )
    .action(async (options: Record<string, unknown>) => run(() => benchCommand(options))());

  program
    .command('export')
    .description(
      'a folder PyTorch runs as is: model.py, weights, train.py (torchrun/DDP) with the optimizer state, the data, a README',
    )
    .argument('<dir>', 'run directory')
    .option('--out <dir>', 'where to write the folder (default: <dir>/pytorch)')
    .option('--data <source>', "where the run's data is now, if it moved (default: the run's --data)")
    .option('--max-classes <n>', 'most classes the labels may ask for (default 1000)')
    .option('--max-pixels <n>', 'pictures: most pixels a file may declare in its header (default 50000000)')
    .option('--force', 'replace files already there')
    .option('--quiet', 'print nothing but errors')
    .option('--verbose', 'print stack traces of errors')
    .addHelpText(
      'after',
      `
Examples:
  $ backprop export runs/mnist-cnn-1
  $ (cd runs/mnist-cnn-1/pytorch && python3 model.py)           # loads the weights, evaluates them
  $ (cd runs/mnist-cnn-1/pytorch && python3 train.py --epochs 16) # continues training (README.md there)`,
    )
    .action(async (dir: string, options: Record<string, unknown>) => run(() => exportCommand(dir, options))());

  return program;
}

/** The CLI's version, read from its package.json (beside dist/ and src/). */
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
