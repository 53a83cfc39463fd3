// Finite-difference gradient checks live in InductiveAutodiff; tests get them from here.
@_exported import InductiveAutodiff
