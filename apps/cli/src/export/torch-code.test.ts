// torchModule: the generated torch.nn list lines up, index for index, with Backprop's parameter names.
import { buildModel, type ModelSpec } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { torchModule } from './torch-code.js';

const input = (sampleShape: number[]) => ({ sampleShape, classes: 10, description: 'test', pixelScale: 1 as const });

const spec: ModelSpec = {
  type: 'sequential',
  layers: [
    { type: 'conv2d', in: 1, out: 4, kernel: 3, padding: 1 },
    { type: 'relu' },
    { type: 'maxPool2d', kernel: 2 },
    { type: 'flatten' },
    { type: 'sequential', layers: [{ type: 'linear', in: 196, out: 16 }, { type: 'gelu' }] },
    { type: 'dropout', p: 0.25 },
    { type: 'linear', in: 16, out: 10, bias: false },
  ],
};

describe('torchModule', () => {
  const code = torchModule(spec, input([1, 14, 14]));
  // The top-level entries of BackpropModel's list: lines indented by exactly 12 spaces.
  const list = code.slice(code.indexOf('        super().__init__(\n'), code.indexOf('\n        )\n'));
  const entries = list.split('\n').filter((line) => /^ {12}\S/.test(line) && !line.trim().startsWith(')'));

  it('writes one torch.nn entry per top-level layer, in order', () => {
    expect(entries.map((line) => line.trim().replace(/\(.*$/, ''))).toEqual([
      'nn.Conv2d',
      'nn.ReLU',
      'nn.MaxPool2d',
      'nn.Flatten',
      'Sequential',
      'nn.Dropout',
      'nn.Linear',
    ]);
    expect(code).toContain(
      "nn.Conv2d(1, 4, kernel_size=3, stride=1, padding=1, dilation=1, groups=1, padding_mode='zeros', bias=True)",
    );
    expect(code).toContain('nn.MaxPool2d(kernel_size=2, stride=2, padding=0, ceil_mode=False, dilation=1)'); // stride defaults to the kernel, as in PyTorch
    expect(code).toContain('nn.Linear(16, 10, bias=False)');
    expect(code).toContain('nn.Dropout(p=0.25)');
    expect(code).toContain('INPUT_SHAPE = (1, 14, 14,)');
  });

  it('puts every Backprop parameter at the index its name says (layers.N.*, nested layers.N.layers.M.*)', () => {
    const names = buildModel(spec)
      .namedParameters()
      .map(([name]) => name);
    expect(names).toEqual([
      'layers.0.weight',
      'layers.0.bias',
      'layers.4.layers.0.weight',
      'layers.4.layers.0.bias',
      'layers.6.weight',
    ]);
    for (const name of names) {
      const index = Number(/^layers\.(\d+)\./.exec(name)![1]);
      expect(entries[index]).toMatch(name.includes('.layers.') ? /Sequential\($/ : /nn\.(Conv2d|Linear)\(/);
    }
    // The nested Sequential wrapper keeps its own `layers`, so PyTorch names it layers.4.layers.0.*.
    expect(code).toContain('self.layers = nn.Sequential(*layers)');
    expect(code).toMatch(/Sequential\(\n {16}nn\.Linear\(196, 16, bias=True\),\n {16}nn\.GELU\(\),\n {12}\)/);
  });

  it("writes the pooling options and adaptive average pooling with PyTorch's argument names", () => {
    const pooled = torchModule(
      {
        type: 'sequential',
        layers: [
          { type: 'maxPool2d', kernel: 3, stride: 2, padding: 1, dilation: [2, 1], ceilMode: true },
          { type: 'avgPool2d', kernel: 2, ceilMode: true, countIncludePad: false },
          { type: 'adaptiveAvgPool2d', output: [1, 2] },
          { type: 'adaptiveAvgPool2d', output: 1 },
        ],
      },
      input([1, 9, 9]),
    );
    expect(pooled).toContain('nn.MaxPool2d(kernel_size=3, stride=2, padding=1, ceil_mode=True, dilation=(2, 1))');
    expect(pooled).toContain(
      'nn.AvgPool2d(kernel_size=2, stride=2, padding=0, ceil_mode=True, count_include_pad=False)',
    );
    expect(pooled).toContain('nn.AdaptiveAvgPool2d((1, 2))');
    expect(pooled).toContain('nn.AdaptiveAvgPool2d(1)');
  });

  it("writes conv2d's dilation, groups, padding mode and padding 'same' with PyTorch's argument names", () => {
    const conv = torchModule(
      {
        type: 'sequential',
        layers: [
          {
            type: 'conv2d',
            in: 4,
            out: 8,
            kernel: 3,
            padding: 'same',
            dilation: [2, 1],
            groups: 4,
            paddingMode: 'reflect',
          },
        ],
      },
      input([4, 9, 9]),
    );
    expect(conv).toContain(
      "nn.Conv2d(4, 8, kernel_size=3, stride=1, padding='same', dilation=(2, 1), groups=4, padding_mode='reflect', bias=True)",
    );
  });

  it("writes BatchNorm's affine, track_running_stats and momentum None, and LayerNorm's elementwise_affine", () => {
    const norms = torchModule(
      {
        type: 'sequential',
        layers: [
          { type: 'batchNorm2d', features: 3, momentum: null, affine: false },
          { type: 'batchNorm2d', features: 3, trackRunningStats: false },
          { type: 'layerNorm', shape: [3, 4, 4], elementwiseAffine: false },
        ],
      },
      input([3, 4, 4]),
    );
    expect(norms).toContain('nn.BatchNorm2d(3, eps=0.00001, momentum=None, affine=False, track_running_stats=True)');
    expect(norms).toContain('nn.BatchNorm2d(3, eps=0.00001, momentum=0.1, affine=True, track_running_stats=False)');
    expect(norms).toContain('nn.LayerNorm([3, 4, 4], eps=0.00001, elementwise_affine=False)');
  });

  it('writes nn.Embedding, and a long sample for a model that starts with one', () => {
    const embedded = torchModule(
      {
        type: 'sequential',
        layers: [{ type: 'embedding', embeddings: 10, dim: 4, paddingIdx: 0 }, { type: 'flatten' }],
      },
      input([3]),
    );
    expect(embedded).toContain('nn.Embedding(10, 4, padding_idx=0)');
    expect(embedded).toContain('torch.zeros(1, *INPUT_SHAPE, dtype=torch.long)');
    expect(torchModule({ type: 'embedding', embeddings: 10, dim: 4 }, input([3]))).toContain('nn.Embedding(10, 4)');
    expect(() =>
      torchModule({ type: 'embedding', embeddings: 10, dim: 4, paddingIdx: '0)' } as unknown as ModelSpec, input([3])),
    ).toThrow(/embedding paddingIdx must be a non-negative integer/);
  });

  it('refuses any value that is not a number or boolean of the expected kind (NOTE(python-literals))', () => {
    const evil = "2); __import__('os').system('id') #";
    const linear = (fields: Record<string, unknown>) =>
      ({ type: 'sequential', layers: [{ type: 'linear', in: 2, out: 2, ...fields }] }) as ModelSpec;
    expect(() => torchModule(spec, input([1, evil as unknown as number]))).toThrow(
      /sample shape must be a non-negative integer, got "2\); __import__/,
    );
    expect(() => torchModule(linear({ in: evil }), input([2]))).toThrow(/linear in must be a non-negative integer/);
    expect(() => torchModule(linear({ bias: 'True' }), input([2]))).toThrow(/linear bias must be true or false/);
    expect(() =>
      torchModule({ type: 'sequential', layers: [{ type: 'dropout', p: Number.NaN }] } as ModelSpec, input([2])),
    ).toThrow(/dropout p must be a finite number/);
    expect(() =>
      torchModule(
        { type: 'sequential', layers: [{ type: 'softmax', axis: '-1)' }] } as unknown as ModelSpec,
        input([2]),
      ),
    ).toThrow(/softmax axis must be an integer/);
    expect(() =>
      torchModule({ type: 'sequential', layers: [{ type: 'os.system' }] } as unknown as ModelSpec, input([2])),
    ).toThrow(/a layer type must be a known one/);
    expect(() => torchModule(spec, { ...input([1, 14, 14]), classes: '10' as unknown as number })).toThrow(
      /classes must be a non-negative integer/,
    );
    expect(() => torchModule(spec, { ...input([1, 14, 14]), pixelScale: 'os' as unknown as 1 })).toThrow(
      /pixel scale must be 1 or 255/,
    );
    // A description is text: an escaped ASCII str literal, it cannot end the string or start a line.
    expect(torchModule(spec, { ...input([1, 14, 14]), description: '"""\n__import__("os")' })).toContain(
      String.raw`DATA = "\"\"\"\x0a__import__(\"os\")"`,
    );
    const conv = (fields: Record<string, unknown>) =>
      ({ type: 'sequential', layers: [{ type: 'conv2d', in: 1, out: 1, kernel: 3, ...fields }] }) as ModelSpec;
    expect(() => torchModule(conv({ padding: "same'); import os #" }), input([1, 3, 3]))).toThrow(
      /conv2d padding must be one of same, valid, got "same'\); import os #"/,
    );
    expect(() => torchModule(conv({ paddingMode: 'zeros\n' }), input([1, 3, 3]))).toThrow(
      /conv2d paddingMode must be one of zeros, reflect, replicate, circular/,
    );
    expect(() => torchModule(conv({ groups: '1' }), input([1, 3, 3]))).toThrow(
      /conv2d groups must be a non-negative integer/,
    );
    expect(() =>
      torchModule(
        { type: 'sequential', layers: [{ type: 'batchNorm1d', features: 2, affine: 'False' }] } as unknown as ModelSpec,
        input([2]),
      ),
    ).toThrow(/batchNorm affine must be true or false/);
    expect(() =>
      torchModule(
        {
          type: 'sequential',
          layers: [{ type: 'batchNorm1d', features: 2, momentum: 'None' }],
        } as unknown as ModelSpec,
        input([2]),
      ),
    ).toThrow(/batchNorm momentum must be a finite number/);
    const pool = (fields: Record<string, unknown>) =>
      ({ type: 'sequential', layers: [{ type: 'avgPool2d', kernel: 2, ...fields }] }) as ModelSpec;
    expect(() => torchModule(pool({ ceilMode: 'True)' }), input([2]))).toThrow(/pool ceilMode must be true or false/);
    expect(() => torchModule(pool({ countIncludePad: 1 }), input([2]))).toThrow(
      /avgPool2d countIncludePad must be true or false/,
    );
    expect(() => torchModule(pool({ type: 'maxPool2d', dilation: [1, evil] }), input([2]))).toThrow(
      /maxPool2d dilation must be a non-negative integer/,
    );
    expect(() => torchModule(pool({ type: 'adaptiveAvgPool2d', output: evil }), input([2]))).toThrow(
      /adaptiveAvgPool2d output must be a non-negative integer/,
    );
  });
});
