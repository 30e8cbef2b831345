// Chooses the data source that `--data` names and applies `--limit`.
import { dataKind, type TrainConfig } from '../config/train-config.js';
import { runtimeError, CliError, firstLine } from '../errors.js';
import { LIMITS } from '../config/limits.js';
import { loadCsv, loadIdx, type FileSourceOptions } from './file-source.js';
import { firstRows, type LabelledData } from './labelled-data.js';
import { loadEmbeddedMnist } from './mnist-source.js';
import { loadSynthetic } from './synthetic-source.js';

/**
 * The train and test sets `--data` names, cut to `--limit` samples each.
 *
 * @example
 * ```ts
 * const data = loadData({ data: 'circles', limit: null }); // data.train: 800 points, data.classes: 2
 * ```
 */
export function loadData(config: Pick<TrainConfig, 'data' | 'limit'>, options: FileSourceOptions = { maxClasses: LIMITS.classes }): LabelledData {
  const kind = dataKind(config.data);
  let data: LabelledData;
  try {
    if (kind === 'mnist') data = loadEmbeddedMnist();
    else if (kind === 'csv') data = loadCsv(config.data, options);
    else if (kind === 'idx') data = loadIdx(config.data, options);
    else data = loadSynthetic(kind);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw runtimeError(`--data ${config.data}: ${firstLine(error)}`, error);
  }
  if (config.limit === null) return data;
  return { ...data, description: `${data.description}, first ${config.limit} of each`, train: firstRows(data.train, config.limit), test: firstRows(data.test, config.limit) };
}
