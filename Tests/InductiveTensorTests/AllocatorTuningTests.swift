import InductiveTensor
import Testing

@Suite struct AllocatorTuningTests {
    #if os(Linux)
    /// glibc accepts the defaults: the call reaches mallopt (a build without glibc's
    /// headers would return false here).
    @Test func glibcAcceptsTheDefaults() {
        #expect(AllocatorTuning.retainFreedMemory())
    }
    #endif

    /// Values that do not fit the C int of mallopt are refused before reaching it.
    @Test func thresholdsBeyondCIntAreRefused() {
        #expect(!AllocatorTuning.retainFreedMemory(mmapThreshold: 1 << 20, trimThreshold: 1 << 40))
    }
}
