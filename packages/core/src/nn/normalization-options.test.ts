// BatchNorm affine: false, momentum: null (cumulative average) and trackRunningStats: false, and
// LayerNorm elementwiseAffine: false, against PyTorch 1.13.1; specs; gradchecks.
import { describe, expect, it } from 'vitest';
import { expectClose, input } from '../../test/helpers.js';
import { outputWeights } from '../../test/torch-inputs.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { buildModel, Tensor } from '../index.js';
import { BatchNorm1d, BatchNorm2d, LayerNorm } from './normalization.js';

/** Batch k as test/torch-reference/normalization.py builds it: x[i] = ((i·37 + 11·k) mod 101)/10 − 5 + k. */
function batch(k: number, shape = [4, 3, 2, 2]): Tensor {
  const size = shape.reduce((s, n) => s * n, 1);
  return new Tensor(Float32Array.from({ length: size }, (_, i) => ((i * 37 + 11 * k) % 101) / 10 - 5 + k), shape, true);
}
// Reference: PyTorch 1.13.1, test/torch-reference/normalization.py.
// nn.BatchNorm2d(3, affine=False, momentum=None) after training on batches 0, 1, 2, then eval on batch 3:
const CUMULATIVE = {
  runningMean: [0.6541667, 1.35625, 0.7958333],
  runningVar: [8.97525, 8.861625, 9.109917],
  eval: [0.2155743, 1.450606, -0.6856653, 0.5493667, 1.559954, -0.5899693, 0.6529554, 1.89588, -0.06488273, 1.160987, 2.386857, 0.2664334, 1.550744, -0.5855276, 0.6495044, 1.884537, -0.4891916, 0.753733, 1.996658, -0.153266, 1.260382, -0.8600414, 0.3658282, 1.591698, -0.4853899, 0.7496422, 1.984674, -0.1515974, 0.8545107, 2.097435, -0.05248833, 1.190436, -0.7606466, 0.465223, 1.691093, -0.4293305, 0.84978, 2.084812, -0.05145968, 1.183572, 2.198213, 0.04828933, 1.291214, -0.8587098, 0.5646179, 1.790487, -0.3299356, 0.895934],
  gradient: [-0.6675848, 0.4172405, 0.0834481, -0.2503443, -0.5878698, 0.5038884, 0.1679628, -0.1679628, -0.4969742, 0.5798032, 0.2484871, -0.08282903, -0.4172405, 0.6675848, 0.3337924, 0, -0.3359256, -0.6718512, 0.419907, 0.08398139, -0.2484871, -0.5798032, 0.4969742, 0.1656581, -0.1668962, -0.5006886, 0.5841367, 0.2503443, -0.08398139, -0.419907, 0.6718512, 0.3359256, 0, -0.3313161, -0.6626322, 0.4141451, 0.0834481, -0.2503443, -0.5841367, 0.5006886, 0.1679628, -0.1679628, -0.5038884, 0.5878698, 0.2484871, -0.08282903, -0.4141451, 0.6626322],
};
// nn.BatchNorm2d(3, track_running_stats=False).eval() on batch 1 (batch statistics, as in training):
const UNTRACKED = {
  value: [-1.162299, 0.1238337, 1.409966, -0.8146954, 0.154249, 1.440381, -0.7842801, 0.5018523, -1.571463, -0.3091753, 0.9531128, -1.230304, 0.2281147, 1.514247, -0.7104144, 0.575718, 1.544662, -0.6799991, 0.6061333, -1.618528, -0.2068276, 1.05546, -1.127957, 0.1343313, 1.618528, -0.6061333, 0.6799991, -1.544662, -0.5757181, 0.7104144, -1.514247, -0.2281147, 1.157808, -1.025609, 0.236679, 1.498967, -0.5018523, 0.7842801, -1.440381, -0.154249, 0.8146954, -1.409966, -0.1238337, 1.162299, -0.9232615, 0.3390267, 1.601315, -0.5821025],
  gradient: [-0.5192614, 0.4097486, -0.1385556, -0.1390006, -0.6108103, 0.4980186, 0.1865354, -0.1819499, -0.5732634, 0.5892054, 0.3017486, -0.1323006, -0.4755328, 0.4534771, 0.4530322, -0.09527208, -0.3726829, -0.684166, 0.4246629, 0.1131797, -0.2593378, -0.5467946, 0.4690818, 0.181625, -0.4318042, -0.4322492, 0.4967607, 0.4963157, -0.07755332, -0.4460387, 0.7197924, 0.3513071, 0.05458786, -0.3794613, -0.6669182, 0.4955507, 0.1597836, -0.3885207, -0.3889657, 0.5400442, 0.160574, -0.1509091, -0.5193945, 0.5894344, 0.221921, -0.06553574, -0.3529925, 0.6628838],
};
// nn.LayerNorm([2, 2], elementwise_affine=False) on batch 2:
const LAYER_NORM = {
  value: [-1.055611, 0.2355496, 1.52671, -0.7066489, 0.7066488, -1.52671, -0.2355496, 1.055611, -1.055611, 0.2355496, 1.52671, -0.7066488, -0.2183215, 1.397259, -1.397258, 0.2183217, -1.055611, 0.2355496, 1.52671, -0.7066488, -0.2183216, 1.397259, -1.397259, 0.2183217, -1.055611, 0.2355496, 1.52671, -0.7066487, -0.2183217, 1.397259, -1.397259, 0.2183216, 1.310064, -0.5326635, 0.5326635, -1.310064, -0.2183217, 1.397259, -1.397259, 0.2183216, 0.7066488, -1.52671, -0.2355497, 1.055611, -0.2183216, 1.397259, -1.397259, 0.2183217],
  gradient: [-0.2833745, 0.4770844, -0.2455467, 0.05183685, -0.3316593, -0.01045701, 0.1105531, 0.2315633, -0.2833746, 0.4770844, -0.2455467, 0.05183687, -0.697032, 0.4275123, 0.5003546, -0.230835, -0.00479421, -0.6146613, 0.2585616, 0.360894, -0.3746222, -0.05853614, 0.05853611, 0.3746223, -0.00479421, -0.6146613, 0.2585616, 0.3608939, -0.3746222, -0.05853611, 0.05853617, 0.3746223, 0.3306226, -0.2451698, -0.3666734, 0.2812205, 0.230835, -0.5003546, -0.4275124, 0.697032, -0.05183682, 0.2455466, -0.4770843, 0.2833746, 0.230835, -0.5003546, -0.4275124, 0.697032],
};

describe('BatchNorm options match PyTorch 1.13.1', () => {
  it('affine: false, momentum: null — no parameters, running statistics are the cumulative average', () => {
    const norm = new BatchNorm2d(3, { affine: false, momentum: null });
    expect(norm.namedParameters()).toEqual([]);
    expect(Object.keys(norm.stateDict())).toEqual(["running_mean", "running_var", "num_batches_tracked"]);
    for (let k = 0; k < 3; k++) norm.forward(batch(k));
    expectClose(norm.runningMean!, CUMULATIVE.runningMean, 1e-6);
    expectClose(norm.runningVar!, CUMULATIVE.runningVar, 1e-6);
    expect(norm.numBatchesTracked!.item()).toBe(3);
    norm.eval();
    const x = batch(3);
    const y = norm.forward(x);
    expectClose(Array.from(y.data), CUMULATIVE.eval, 1e-5);
    y.backward(outputWeights(y.shape));
    expectClose(Array.from(x.grad!.data), CUMULATIVE.gradient, 1e-5);
  });

  it('trackRunningStats: false — no buffers, and evaluation normalises with the batch\'s statistics', () => {
    const norm = new BatchNorm2d(3, { trackRunningStats: false });
    expect(Object.keys(norm.stateDict())).toEqual(["weight", "bias"]);
    expect(norm.runningMean).toBeNull();
    norm.eval();
    const x = batch(1);
    const y = norm.forward(x);
    expectClose(Array.from(y.data), UNTRACKED.value, 1e-5);
    y.backward(outputWeights(y.shape));
    expectClose(Array.from(x.grad!.data), UNTRACKED.gradient, 1e-5);
    norm.train();
    norm.forward(batch(2));
    expect(norm.lastBatchStatistics).toBeNull(); // nothing for a data-parallel trainer to replay
    expect(() => norm.updateRunningStatistics(Float32Array.of(0, 0, 0), Float32Array.of(1, 1, 1), 4)).toThrow(
      'batchNorm2d.updateRunningStatistics: this layer keeps no running statistics (trackRunningStats: false)',
    );
  });

  it('gradcheck without affine parameters, training and untracked evaluation', () => {
    const norm = new BatchNorm1d(3, { affine: false });
    gradcheck((x) => norm.forward(x).mul(new Tensor(Float32Array.of(1, 2, 3), [3])), [input([4, 3], { seed: 71 })]);
    const untracked = new BatchNorm2d(2, { trackRunningStats: false });
    untracked.eval();
    gradcheck((x, w) => untracked.forward(x).mul(w), [input([2, 2, 3, 2], { seed: 72 }), input([2, 1, 1], { seed: 73 })]);
  });
});

describe('LayerNorm elementwiseAffine: false', () => {
  it('has no parameters and matches PyTorch 1.13.1', () => {
    const norm = new LayerNorm([2, 2], { elementwiseAffine: false });
    expect(Object.keys(norm.stateDict())).toEqual([]);
    const x = batch(2);
    const y = norm.forward(x);
    expectClose(Array.from(y.data), LAYER_NORM.value, 1e-5);
    y.backward(outputWeights(y.shape));
    expectClose(Array.from(x.grad!.data), LAYER_NORM.gradient, 1e-5);
    expect(new LayerNorm([4], 1e-3).eps).toBe(1e-3); // eps alone still works as the second argument
    gradcheck((a) => norm.forward(a), [input([3, 2, 2], { seed: 74 })]);
  });
});

describe('normalization specs', () => {
  it('round-trip the new options (written only when not the default) and reject bad ones', () => {
    const layers = [
      { type: 'batchNorm2d', features: 3, eps: 1e-5, momentum: null, affine: false },
      { type: 'batchNorm1d', features: 2, eps: 1e-5, momentum: 0.1, trackRunningStats: false },
      { type: 'layerNorm', shape: [4], eps: 1e-5, elementwiseAffine: false },
    ];
    expect(buildModel({ type: 'sequential', layers }).toSpec()).toEqual({ type: 'sequential', layers });
    expect(new BatchNorm1d(2).toSpec()).toEqual({ type: 'batchNorm1d', features: 2, eps: 1e-5, momentum: 0.1 });
    expect(() => buildModel({ type: 'batchNorm1d', features: 2, momentum: 'none' })).toThrow('momentum: expected a number in [0, 1] or null, got "none"');
    expect(() => buildModel({ type: 'batchNorm1d', features: 2, affine: 0 })).toThrow('affine: expected true or false, got 0');
  });
});
