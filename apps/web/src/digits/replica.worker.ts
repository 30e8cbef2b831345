// A replica worker of the data-parallel trainer: serves runTask (forward + backward on its chunks
// of each minibatch) to the digits worker through comlink. Started by digits.worker.ts.
import { exposeReplica } from '@backprop/parallel/browser';

exposeReplica();
