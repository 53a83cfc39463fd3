// The umbrella module: `import Inductive` gives every library target.
@_exported import InductiveTensor
@_exported import InductiveAutodiff
@_exported import InductiveNN
@_exported import InductiveSymmetry
@_exported import InductiveKernels
@_exported import InductiveSolvers
@_exported import InductiveDiscovery
@_exported import InductiveReport
@_exported import InductiveExperiments
