// Chooses the data source that `--data` names and applies `--limit`.
import { IMAGE_LIMITS } from '@backprop/datasets/node';
import { dataKind, type TrainConfig } from '../config/train-config.js';
import { runtimeError, CliError, firstLine } from '../errors.js';
import { LIMITS } from '../config/limits.js';
import { loadCsv, loadIdx } from './file-source.js';
import { loadImageFolderSource } from './image-folder-source.js';
import { firstRows, type LabelledData } from './labelled-data.js';
import { loadEmbeddedMnist } from './mnist-source.js';
import { loadSynthetic } from './synthetic-source.js';

/** Options of {@link loadData}: limits, and progress while pictures are decoded. */
export interface LoadDataOptions {
  /** Most classes the labels may ask for (`--max-classes`). */
  maxClasses?: number;
  /** Most pixels a picture may declare (`--max-pixels`). */
  maxPixels?: number;
  /** Called as pictures are decoded (other sources load at once). */
  onProgress?: (done: number, total: number) => void;
}

/** The config fields that say what to load. */
export type DataConfig = Pick<TrainConfig, 'data' | 'limit' | 'imageSize' | 'grayscale' | 'valSplit' | 'skipBad'>;

/**
 * The train and test sets `--data` names, cut to `--limit` samples each.
 *
 * @example
 * ```ts
 * const data = await loadData({ data: 'circles', limit: null }); // data.train: 800 points, data.classes: 2
 * ```
 */
export async function loadData(config: DataConfig, options: LoadDataOptions = {}): Promise<LabelledData> {
  const kind = dataKind(config.data);
  const maxClasses = options.maxClasses ?? LIMITS.classes;
  let data: LabelledData;
  try {
    if (kind === 'mnist') data = loadEmbeddedMnist();
    else if (kind === 'csv') data = loadCsv(config.data, { maxClasses });
    else if (kind === 'idx') data = loadIdx(config.data, { maxClasses });
    else if (kind === 'pictures') {
      data = await loadImageFolderSource(config.data, {
        imageSize: config.imageSize ?? 32,
        grayscale: config.grayscale ?? false,
        valSplit: config.valSplit ?? 0.2,
        skipBad: config.skipBad ?? false,
        maxClasses,
        maxPixels: options.maxPixels ?? IMAGE_LIMITS.maxPixels,
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      });
    } else data = loadSynthetic(kind);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw runtimeError(`--data ${config.data}: ${firstLine(error)}`, error);
  }
  if (config.limit === null) return data;
  return {
    ...data,
    description: `${data.description}, first ${config.limit} of each`,
    train: firstRows(data.train, config.limit),
    test: firstRows(data.test, config.limit),
  };
}
