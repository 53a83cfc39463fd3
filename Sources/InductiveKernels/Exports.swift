// Kernels take models from the networks target and return tensors: importing the kernels
// target gives the layers, the autodiff and the tensors too.
@_exported import InductiveNN
