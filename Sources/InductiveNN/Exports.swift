// Layers take and return `Variable`s and `Tensor`s: importing the networks target gives both.
@_exported import InductiveAutodiff
@_exported import InductiveTensor
