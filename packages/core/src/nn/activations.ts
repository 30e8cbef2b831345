// Modules for every activation of core, plus Flatten: stateless wrappers over Tensor methods.
// Imports the Tensor type and nn/module.
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';
import type { ActivationSpec, FlattenSpec, LeakyReluSpec, SoftmaxSpec } from './spec-types.js';

/** A parameter-free module applying one Tensor method. */
abstract class Activation extends Module {
  protected abstract readonly type: ActivationSpec['type'];
  override toSpec(): ActivationSpec {
    return { type: this.type };
  }
}

/** max(x, 0). @example `new Sequential(new Linear(2, 8), new ReLU())` */
export class ReLU extends Activation {
  protected readonly type = 'relu';
  forward(input: Tensor): Tensor {
    return input.relu();
  }
}
export class Sigmoid extends Activation {
  protected readonly type = 'sigmoid';
  forward(input: Tensor): Tensor {
    return input.sigmoid();
  }
}
export class Tanh extends Activation {
  protected readonly type = 'tanh';
  forward(input: Tensor): Tensor {
    return input.tanh();
  }
}
export class GELU extends Activation {
  protected readonly type = 'gelu';
  forward(input: Tensor): Tensor {
    return input.gelu();
  }
}
export class Softplus extends Activation {
  protected readonly type = 'softplus';
  forward(input: Tensor): Tensor {
    return input.softplus();
  }
}
export class SiLU extends Activation {
  protected readonly type = 'silu';
  forward(input: Tensor): Tensor {
    return input.silu();
  }
}

/** x for x > 0, slope·x otherwise (default slope 0.01, as in PyTorch). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(input: Tensor): Tensor {
    return input.leakyRelu(this.negativeSlope);
  }
  override toSpec(): LeakyReluSpec {
    return { type: 'leakyRelu', slope: this.negativeSlope };
  }
}

/** softmax along `axis` (default -1). */
export class Softmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(input: Tensor): Tensor {
    return input.softmax(this.axis);
  }
  override toSpec(): SoftmaxSpec {
    return { type: 'softmax', axis: this.axis };
  }
}

/** logSoftmax along `axis` (default -1). */
export class LogSoftmax extends Module {
  constructor(readonly axis = -1) {
    super();
  }
  forward(input: Tensor): Tensor {
    return input.logSoftmax(this.axis);
  }
  override toSpec(): SoftmaxSpec {
    return { type: 'logSoftmax', axis: this.axis };
  }
}

/** Collapses axes startAxis..endAxis (default 1..-1: everything but the batch). */
export class Flatten extends Module {
  constructor(
    readonly startAxis = 1,
    readonly endAxis = -1,
  ) {
    super();
  }
  forward(input: Tensor): Tensor {
    return input.flatten(this.startAxis, this.endAxis);
  }
  override toSpec(): FlattenSpec {
    return { type: 'flatten', startAxis: this.startAxis, endAxis: this.endAxis };
  }
}
