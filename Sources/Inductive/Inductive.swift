// The umbrella module: `import Inductive` gives every library target.
@_exported import InductiveTensor
@_exported import InductiveAutodiff
@_exported import InductiveNN
@_exported import InductiveKernels
