// conv2d's options (dilation, groups, padding 'same', padding modes) and pad's modes and negative
// padding against PyTorch 1.13.1, values and gradients, on both kernel backends; gradchecks; errors.
import { afterEach, describe, expect, it } from 'vitest';
import { expectClose, input } from '../../test/helpers.js';
import { distinctSequence, kernelWeights, outputWeights, sequence } from '../../test/torch-inputs.js';
import { gradcheck } from '../autograd/gradcheck.js';
import { conv2d, kernelBackend, setKernelBackend, type Conv2dOptions, type PadMode } from '../index.js';

const inputOf = distinctSequence;
const weightOf = kernelWeights;
const biasOf = (length: number) => sequence([length], (i) => i / 4 - 0.5, true);

// Reference: PyTorch 1.13.1, test/torch-reference/convolution.py — F.conv2d(x, w, b, stride, padding,
// dilation, groups) (padding modes: F.pad(x, ..., mode) first, as nn.Conv2d does), then
// y.backward(outputWeights(y.shape)): y, x.grad, w.grad, b.grad flattened, 7 significant digits.
const CONV_REFERENCE: Record<string, { shape: number[]; value: number[]; input: number[]; weight: number[]; bias: number[] }> = {
  "dilation 2, padding 1": {
    shape: [1, 2, 3, 3],
    value: [4.54, -6.28, -10.14, 3.26, 2.07, 0.5600001, -4.77, -7.72, 4.7, -9.73, 9.969999, 4.11, -1.94, 4.610001, -8.550001, -1.790001, -5.960001, 0.55],
    input: [2.925, -2.15, 3.075, 1.025, -1.375, 0.925, 3.625, -1.65, -2.925, -0.775, -1.225, 1.05, 2.95, 0.775, -1.5, -0.475, -2.8, 0.975, 3.3, 0.7, -1.35, -0.925, -1.2, 1.1, 2.975, -1.475, -1.175, -1.325, -0.8749999, -1.175, 0.75, 1.025, -0.675, -0.3500001, -0.375, 3, 0.8749999, -1.45, -1.125, -1.3, 1.075, 2.65, 0.8, 0.7, -0.625, -1.15, 1.2, 3.025, 0.9250001, -1.425],
    weight: [9.6, -17.675, 6.725, -12.075, 19, -8.700001, 6.9, -5.374999, -0.8499999, 6, -6.525, -2.325, 1.875, 6.625001, 11.35, 6.375, 12.425, -18.675, -8.700001, -7.075, 6.4, -5.4, 1.45, -9.275, -2.325, -7.8, 12.15, -8.7, 11.125, 6, 15.6, 5.575001, -13.25, 5.8, -19.075, 9.775],
    bias: [-3, 1],
  },
  "dilation (2,3), stride 2": {
    shape: [1, 2, 3, 1],
    value: [6.39, -12.13, -9.440001, 3.3, -7.95, -4.05],
    input: [2.8, 0, 0, 1.15, 0, 0, -0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2.125, 0, 0, 2.25, 0, 0, 0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2.35, 0, 0, -0.45, 0, 0, 0.3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1.675, 0, 0, -1.3, 0, 0, -0.25, 0, -0.775, 0, 0, -2.425, 0, 0, 2.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.02499998, 0, 0, -1.975, 0, 0, -1.05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.425, 0, 0, 1.175, 0, 0, 1.925, 0, 0, 0, 0, 0, 0, 0, 0, 0, -0.075, 0, 0, 0.975, 0, 0, -1.425, 0],
    weight: [15.2, 14.7, 1.575, -4.3, -4.8, 14.9, -2.55, -3.05, -3.55, -1.85, -2.35, -2.85, 0.7249999, -0.2749996, 16.4, -5.45, -6.45, 0.125, -1.95, -2.95, -3.95, -0.5500002, -1.55, -2.55],
    bias: [-0.5, -1],
  },
  "groups 2": {
    shape: [1, 4, 2, 2],
    value: [4.76, 9.95, -0.7399989, -6.66, -8.15, 4.51, 2.09, 3.64, -2.43, 5.58, 1.33, -4.8, -5.979999, -6.08, 2.710001, -4.46],
    input: [1.325, -1.55, 1.875, -0.775, -1.425, 2.825, 1.925, -1.925, 0.65, -2.75, 1.525, 0.775, -0.2, 0.35, -0.525, 0.325, 2.35, -1.775, -2.375, 1.425, -0.375, 2.775, -1.575, -0.725, -2.325, 1.225, 2.625, -1.475, 0.4, -0.625, -0.35, 0.475, 1.425, -2.375, -1.775, 2.35, -1.125, 1.775, -1.325, 0.225, -1.775, 1.675, 2.025, -1.525, 1.225, 0.2749999, -0.55, 0, -0.775, 1.875, -1.55, 1.325, 0.95, -2.55, 2.975, -0.425, 1.45, -2.075, -2.3, 1.85, -1.4, -0.25, 0.65, -0.2],
    weight: [5.75, 8.7, -11.075, 7.45, -12.325, 10.825, -13.575, 9.575001, -10.2, -12.7, 10.45, 3.3, 9.200001, -10.575, 5, -11.825, 3.75, 6.7, 4.95, 9.075001, -12.05, 8.825001, -12.3, 9.5, -12.55, 9.25, -11.875, -12.375, 9.425, 3.45, 9.175, -11.95, 4.8, -12.2, 4.55, 8.674999, -13.1, 4.824999, 10.125, 8.099999, 3.300001, -11.6, -13.625, 4.3, 9.599999, 3.525, -11.375, 9.075, 4.525, 9.825001, -12.65, 10.575, -11.9, 8.55, -14.175, 4.925, 11.4, 6.675, 3.05, -10.675, -15.4, 3.7, 10.175, 3.575, -10.15, 8.95, 4.225, 10.7, -13.125, 12.45, -11.375, 7.725],
    bias: [-1.25, -0.25, 0.75, 1.75],
  },
  "depthwise (groups = C = 3), stride 2": {
    shape: [1, 3, 3, 3],
    value: [10.44, -6.21, -3.72, -5.65, -2.8, 5.21, 0.77, 2.96, -7.44, -2.81, -4.85, -2.41, -2.55, -3.04, 3.1, -2.63, 1.24, -3.81, -3.38, -3.28, 3.11, -1.3, 16.42, -2.55, 11.73, -7.04, -2.66],
    input: [2, 1.675, -1.25, -0.325, -0.25, -1.225, 3.9, 1.875, -2.9, -0.55, 0.75, -0.925, 1.75, 1.75, -1.5, -0.85, 0.925, -1.15, 3.475, 1.95, -0.5, -0.55, 0.5, -0.85, 1.5, -0.35, 0.09999999, -0.15, 0.5, 0.05, -1.6, -1.15, 0.07500003, 1.175, 0.475, 0.25, -2.1, -0.4, 0, -0.2, 0.875, 2.425, -1.7, 0.5000001, -1.3, 0, 0.8, 0.2, 1.2, 0.4, 0.75, -1.375, 0.15, -0.275, -0.45, -1.8, 2.55, 1.675, -0.1, 0.475, -1.05, 1.925, 0.9, -1.65, 0.3, -0.725, -2.425, -1.5, 2.575, 1.975, -0.3, 0.55, -0.9, 1.65, 1.05],
    weight: [8.5, -12.475, -4.1, 9.7, 4.700001, -2.25, -7.625, 5.349999, 6.975, -7.299999, 6.65, -9.049999, -6.474999, -14.7, 10.3, -7.025, 2.575001, 5.675, 11.2, 6.375, -8.799999, 8.450001, -16.85, -2.799999, -0.7750001, -10.25, 11.525],
    bias: [-3, 1, 0.75],
  },
  "padding 'same', even kernel, dilation 2": {
    shape: [1, 2, 4, 5],
    value: [-0.5099995, -0.7900001, 1.83, -0.3100001, 4.17, 3.5, -7.37, 3.86, -6.83, 4.22, 2.46, -0.8199999, 0.8399999, -0.2200002, -0.7799999, 0.57, 2.52, -2.25, 1.32, -5.07, -1.039999, -0.7, 1.3, -0.22, 3.64, 3.63, -7.3, 3.99, -6.76, 4.35, 3.25, -0.77, 1.63, -0.1700002, 0.009999558, 1.76, 3.17, -1.06, 1.97, -3.88],
    input: [0.2750001, 1.375, -0.175, -0.5749998, -0.6249999, 1.3, -0.02499998, 1.15, -1.525, 0.9999999, -0.3250001, 0.9999999, 1.025, 1.75, 2.375, -0.6750001, 2.025, -0.375, 2.475, -0.07499999],
    weight: [-4.7, 4.1, -6.000001, 11.475, -4.375, -4.325001, 17.725, -9.525001, 14.3, 8.775, -11.575, -2.45, 1.25, -15.275, 14.875, -3.625001],
    bias: [-0.5, -1],
  },
  "reflect padding 2": {
    shape: [1, 1, 6, 7],
    value: [9.19, -4.04, 0.78, 6.14, -6.68, 4.53, -9.38, 0.23, 10.23, -8.18, -2.82, 7.59, -9.48, 4.89, -6.35, 3.649999, 8.47, -9.400001, 1.01, 2.119999, -1.69, 6.309999, -4.9, 9.01, -2.799999, -9.559999, 3.67, -1.15, -7.96, 9.11, -5.26, 6.16, -0.6000001, -10.6, 7.81, -1.38, -2.49, 1.32, -10.49, 5.98, -4.02, -8.839999],
    input: [6.975, -1.4, -6.45, -4.5, 6.45, -5.55, 2, 4.225, 5.025, -6.6, -5.9, 1.5, 7.425001, 2.700001, -3.125, 6.45, -2.15, -5.625, -1.25, 2.95],
    weight: [11.75, -4.250001, 14.1, 0.8500006, 9.536743e-07, -9.424998, 24.375, -4.250001, 1.475001],
    bias: [-1.5],
  },
  "replicate padding (1,2), groups 2": {
    shape: [1, 2, 3, 6],
    value: [10.47, 6.03, 8.09, -4.73, 5.07, 8.370001, 7.650001, 12.3, 1.23, 9.62, -3.81, 4.539999, -2.69, 6, -0.02000013, 1.299999, 11.1, 1.27, 0.1900001, 5.64, 1.8, -7.46, 1.06, 0.69, -3.710001, -3.31, -7.15, 6.82, -2.84, -3.21, 3.76, -0.8899999, -4.73, 9.24, 4.63, 4.26],
    input: [3.625, -1.675, -0.09999967, 0.3249999, -2.575, 1.55, -0.6, 2.825, 2.3, -3.2, 0.6999999, 1.025, -0.02500004, 1.125, -0.925, -0.775, 1.775, -1.6, 3.85, -2.1, -0.3, -0.225, -0.4499999, 0.275],
    weight: [2.375, 7.85, 0.5999998, 12.65, 8.024999, 23.5, 11.65, 22.175, -0.2249985, 9.85, 13.475, -11.35, -19.275, -15.65, 2.45, 16.075, 19.7, -5.125],
    bias: [-2, 1.25],
  },
  "circular padding 1, stride 2": {
    shape: [1, 2, 3, 3],
    value: [0.16, 7.240001, -2.24, 0.7000012, -0.3000001, -4.73, -2.64, -3.640001, 0.01000023, -7.71, 1.24, 0.8999999, 2.46, 3.33, -0.03999966, 8.52, 1.31, -9.13],
    input: [2.05, 0.225, -1.1, -1.575, -7.450581e-08, -1.35, -2.825, 2.75, 1.95, -1.725, -0.07499999, 3.4, 1, -3.025, 1.35, 1.75, -1.7, 0.275, 0.02499998, 3.35, -2.85, 3.975, 0.65, -5.35, 1.025, 0.02499986, 0.3, 0.95, 1.7, 1.625],
    weight: [-12.25, -1.175, 10.45, -15.775, 30.65, -13.275, 13.425, 4.3, -16.9, -4.7, 30.825, -13.45, 10.15, -4.825, -18.8, 14.375, -13.225, -4.475],
    bias: [-3, 1],
  },
};

const CONV_CASES: Array<[string, number[], number[], Omit<Conv2dOptions, 'bias'>]> = [
  ['dilation 2, padding 1', [1, 2, 5, 5], [2, 2, 3, 3], { padding: 1, dilation: 2 }],
  ['dilation (2,3), stride 2', [1, 2, 7, 8], [2, 2, 2, 3], { stride: 2, dilation: [2, 3] }],
  ['groups 2', [1, 4, 4, 4], [4, 2, 3, 3], { groups: 2 }],
  ['depthwise (groups = C = 3), stride 2', [1, 3, 5, 5], [3, 1, 3, 3], { stride: 2, padding: 1, groups: 3 }],
  ["padding 'same', even kernel, dilation 2", [1, 1, 4, 5], [2, 1, 2, 4], { padding: 'same', dilation: [1, 2] }],
  ['reflect padding 2', [1, 1, 4, 5], [1, 1, 3, 3], { padding: 2, paddingMode: 'reflect' }],
  ['replicate padding (1,2), groups 2', [1, 2, 3, 4], [2, 1, 3, 3], { padding: [1, 2], groups: 2, paddingMode: 'replicate' }],
  ['circular padding 1, stride 2', [1, 1, 5, 6], [2, 1, 3, 3], { stride: 2, padding: 1, paddingMode: 'circular' }],
];

// Reference: PyTorch 1.13.1, same script — F.pad(x, padding, mode) (constant: value=1.5) of x [1, 2, 3, 4].
const PAD_REFERENCE: Array<{ mode: PadMode; padding: number[]; shape: number[]; value: number[]; gradient: number[] }> = [
  {
    mode: 'reflect',
    padding: [2, 1, 1, 2],
    shape: [1, 2, 6, 7],
    value: [-3, 3.4, -0.3, 3.4, -3, 0.7, -3, 2.4, -1.3, -5, -1.3, 2.4, -4, 2.4, -3, 3.4, -0.3, 3.4, -3, 0.7, -3, 1.7, -2, 4.4, -2, 1.7, -4.7, 1.7, -3, 3.4, -0.3, 3.4, -3, 0.7, -3, 2.4, -1.3, -5, -1.3, 2.4, -4, 2.4, 1, -2.7, 3.7, -2.7, 1, 4.7, 1, -3.7, 2.7, -1, 2.7, -3.7, 0, -3.7, 1, -2.7, 3.7, -2.7, 1, 4.7, 1, -4.4, 2, -1.7, 2, -4.4, -0.7, -4.4, 1, -2.7, 3.7, -2.7, 1, 4.7, 1, -3.7, 2.7, -1, 2.7, -3.7, 0, -3.7],
    gradient: [1, -2.25, 3.5, -0.75, 1.25, -1.75, -4, 0.75, 0.5, 1, -2.5, 1.75, -2.25, -0.25, 2.25, 0.25, -1.5, 1.25, 0.5, 2.25, 1, 2, -1, -2],
  },
  {
    mode: 'replicate',
    padding: [3, 0, 2, 1],
    shape: [1, 2, 6, 7],
    value: [-5, -5, -5, -5, -1.3, 2.4, -4, -5, -5, -5, -5, -1.3, 2.4, -4, -5, -5, -5, -5, -1.3, 2.4, -4, -0.3, -0.3, -0.3, -0.3, 3.4, -3, 0.7, 4.4, 4.4, 4.4, 4.4, -2, 1.7, -4.7, 4.4, 4.4, 4.4, 4.4, -2, 1.7, -4.7, -1, -1, -1, -1, 2.7, -3.7, 0, -1, -1, -1, -1, 2.7, -3.7, 0, -1, -1, -1, -1, 2.7, -3.7, 0, 3.7, 3.7, 3.7, 3.7, -2.7, 1, 4.7, -1.7, -1.7, -1.7, -1.7, 2, -4.4, -0.7, -1.7, -1.7, -1.7, -1.7, 2, -4.4, -0.7],
    gradient: [-2.75, -0.75, 0.5, 1.75, -0.25, -1.5, 1.75, 0.75, 0.5, 1.5, -0.5, -2.5, -1, 0.75, 2, -1, 1.75, -1, -2, 1.25, 0.25, 2.5, 0.5, -1.5],
  },
  {
    mode: 'circular',
    padding: [4, 2, 1, 3],
    shape: [1, 2, 7, 10],
    value: [4.4, -2, 1.7, -4.7, 4.4, -2, 1.7, -4.7, 4.4, -2, -5, -1.3, 2.4, -4, -5, -1.3, 2.4, -4, -5, -1.3, -0.3, 3.4, -3, 0.7, -0.3, 3.4, -3, 0.7, -0.3, 3.4, 4.4, -2, 1.7, -4.7, 4.4, -2, 1.7, -4.7, 4.4, -2, -5, -1.3, 2.4, -4, -5, -1.3, 2.4, -4, -5, -1.3, -0.3, 3.4, -3, 0.7, -0.3, 3.4, -3, 0.7, -0.3, 3.4, 4.4, -2, 1.7, -4.7, 4.4, -2, 1.7, -4.7, 4.4, -2, -1.7, 2, -4.4, -0.7, -1.7, 2, -4.4, -0.7, -1.7, 2, -1, 2.7, -3.7, 0, -1, 2.7, -3.7, 0, -1, 2.7, 3.7, -2.7, 1, 4.7, 3.7, -2.7, 1, 4.7, 3.7, -2.7, -1.7, 2, -4.4, -0.7, -1.7, 2, -4.4, -0.7, -1.7, 2, -1, 2.7, -3.7, 0, -1, 2.7, -3.7, 0, -1, 2.7, 3.7, -2.7, 1, 4.7, 3.7, -2.7, 1, 4.7, 3.7, -2.7, -1.7, 2, -4.4, -0.7, -1.7, 2, -4.4, -0.7, -1.7, 2],
    gradient: [5.25, -0.75, -5, 3.75, -3.75, -9.75, 6, 2, -5.25, 11.25, 0.75, -5.25, -6.75, 0, 4, 0, 9.75, 3.75, -2, -6, 2.25, -6.75, -7, 8.25],
  },
  {
    mode: 'constant',
    padding: [-1, 2, 1, -2],
    shape: [1, 2, 2, 5],
    value: [1.5, 1.5, 1.5, 1.5, 1.5, -1.3, 2.4, -4, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 2.7, -3.7, 0, 1.5, 1.5],
    gradient: [0, 1.5, 0.5, -0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -2, 0, 0, 0, 0, 0, 0, 0, 0],
  },
  {
    mode: 'reflect',
    padding: [-1, 2, 2, -1],
    shape: [1, 2, 4, 5],
    value: [-2, 1.7, -4.7, 1.7, -2, 3.4, -3, 0.7, -3, 3.4, -1.3, 2.4, -4, 2.4, -1.3, 3.4, -3, 0.7, -3, 3.4, 2, -4.4, -0.7, -4.4, 2, -2.7, 1, 4.7, 1, -2.7, 2.7, -3.7, 0, -3.7, 2.7, -2.7, 1, 4.7, 1, -2.7],
    gradient: [0, 1.75, 1.75, -1.25, 0, 3.5, -0.75, -2.5, 0, -3.75, 0.5, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1.25, -1.25, 1.5],
  },
  {
    mode: 'circular',
    padding: [2, -1, -1, 1],
    shape: [1, 2, 3, 5],
    value: [3.4, -3, -0.3, 3.4, -3, -2, 1.7, 4.4, -2, 1.7, 3.4, -3, -0.3, 3.4, -3, -2.7, 1, 3.7, -2.7, 1, 2, -4.4, -1.7, 2, -4.4, -2.7, 1, 3.7, -2.7, 1],
    gradient: [0, 0, 0, 0, -1, 0, 0.25, 0, -0.5, 0, 2.25, 0, 0, 0, 0, 0, -1.25, -0.5, -0.25, 0, 1.5, -0.25, -2.25, 0],
  },
];

const initialBackend = kernelBackend();
afterEach(() => setKernelBackend(initialBackend));

describe.each(['wasm', 'js'] as const)('conv2d options match PyTorch 1.13.1 on the %s kernels', (backend) => {
  for (const [name, inputShape, weightShape, options] of CONV_CASES) {
    it(name, () => {
      setKernelBackend(backend);
      const reference = CONV_REFERENCE[name]!;
      const x = inputOf(inputShape);
      const w = weightOf(weightShape);
      const b = biasOf(weightShape[0]!);
      const y = conv2d(x, w, { ...options, bias: b });
      expect(y.shape).toEqual(reference.shape);
      expectClose(Array.from(y.data), reference.value, 1e-5);
      y.backward(outputWeights(y.shape));
      expectClose(Array.from(x.grad!.data), reference.input, 1e-5);
      expectClose(Array.from(w.grad!.data), reference.weight, 1e-5);
      expectClose(Array.from(b.grad!.data), reference.bias, 1e-5);
    });
  }
});

describe('pad modes and negative padding match PyTorch 1.13.1', () => {
  for (const { mode, padding, shape, value, gradient } of PAD_REFERENCE) {
    it(`${mode} [${padding.join(', ')}]`, () => {
      const x = inputOf([1, 2, 3, 4]);
      const y = mode === 'constant' ? x.pad(padding, 1.5) : x.pad(padding, { mode });
      expect(y.shape).toEqual(shape);
      expectClose(Array.from(y.data), value, 1e-6);
      y.backward(outputWeights(y.shape));
      expectClose(Array.from(x.grad!.data), gradient, 1e-6);
    });
  }
});

describe('gradcheck of conv2d options and pad modes (composites over checked primitives)', () => {
  const bias = () => input([4], { seed: 53 });
  it('dilation, groups and padding modes, each with a bias', () => {
    const x = input([2, 4, 5, 6], { seed: 51 });
    gradcheck((a, w, b) => conv2d(a, w, { bias: b, padding: 2, dilation: [2, 1] }), [x, input([4, 4, 3, 2], { seed: 52 }), bias()], { atol: 2e-3 });
    gradcheck((a, w, b) => conv2d(a, w, { bias: b, groups: 2, padding: 'same', paddingMode: 'reflect' }), [x, input([4, 2, 3, 2], { seed: 54 }), bias()], { atol: 2e-3 });
    gradcheck((a, w, b) => conv2d(a, w, { bias: b, groups: 4, stride: 2, padding: 1, paddingMode: 'circular' }), [x, input([4, 1, 3, 3], { seed: 55 }), bias()], { atol: 2e-3 });
  });
  it('pad: every mode, with cropping, times a broadcast weight', () => {
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      gradcheck((a, w) => a.pad([2, -1, -1, 1], { mode }).mul(w), [input([2, 3, 4], { seed: 56 }), input([5], { seed: 57 })]);
    }
  });
});

describe('conv2d and pad errors name the op, the shapes and the fix', () => {
  const x = inputOf([1, 4, 5, 5]);
  it('conv2d', () => {
    expect(() => conv2d(x, weightOf([3, 2, 3, 3]), { groups: 2 })).toThrow(
      'conv2d: expected input [N,C,H,W] and weight [O,C/groups,kH,kW] with O and C divisible by groups (2), got [1,4,5,5] and [3,2,3,3]',
    );
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { padding: 'same', stride: 2 })).toThrow(
      "conv2d (input [1,4,5,5], weight [2,4,3,3]): padding 'same' is not supported for strided convolutions (stride 2×2), as in PyTorch; use stride 1, or give the padding as numbers",
    );
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { padding: 'same', stride: [1, 3] })).toThrow('(stride 1×3)');
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { dilation: 3 })).toThrow(
      'conv2d (input [1,4,5,5], weight [2,4,3,3]): kernel 7×7 does not fit input 5×5 with padding 0×0 (output would be -1×-1); use a smaller kernel or more padding',
    );
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { dilation: 0 })).toThrow('conv2d (input [1,4,5,5], weight [2,4,3,3]): dilation must be an integer ≥ 1, got 0');
    expect(() => conv2d(x, weightOf([2, 4, 3, 3]), { paddingMode: 'mirror' as never })).toThrow(
      'conv2d (input [1,4,5,5], weight [2,4,3,3]): paddingMode must be one of zeros, reflect, replicate, circular, got mirror',
    );
  });
  it('pad', () => {
    const small = inputOf([2, 3]);
    expect(() => small.pad([3, 0], { mode: 'reflect' })).toThrow(
      "pad: reflect padding (3, 0) on axis 1 of [2,3] must be shorter than the axis (3); pad less or use mode 'replicate' or 'constant'",
    );
    expect(() => small.pad([4, 0], { mode: 'circular' })).toThrow("pad: circular padding (4, 0) on axis 1 of [2,3] must be at most the axis (3)");
    expect(() => small.pad([-2, -2])).toThrow('pad: padding [-2,-2] crops 4 from axis 1 of [2,3], which has 3');
    expect(() => small.pad([1, 1], { mode: 'reflect', value: 2 })).toThrow("pad: a fill value (2) only applies to mode 'constant', not 'reflect'");
    expect(() => small.pad([1], { mode: 'replicate' })).toThrow('pad: padding [1] must be integer pairs, at most one per axis of [2,3]');
  });
});
