#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Thin wrappers so model files need not import the C library.
@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) func _log10(_ x: Double) -> Double { log10(x) }
@inline(__always) func _exp10(_ x: Double) -> Double { pow(10, x) }
