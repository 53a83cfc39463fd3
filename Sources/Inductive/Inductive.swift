// The umbrella module: `import Inductive` gives every library target.
@_exported import InductiveTensor
@_exported import InductiveReport
