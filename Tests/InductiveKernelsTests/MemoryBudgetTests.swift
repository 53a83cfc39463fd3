import Foundation
import InductiveKernels
import Testing

@Suite struct MemoryBudgetTests {
    @Test func constructionAndDescription() {
        #expect(MemoryBudget.gibibytes(2).bytes == 2 << 30)
        #expect(MemoryBudget.gibibytes(1.5).description == "1.50 GiB")
        #expect(MemoryBudget(bytes: 3 << 20).description == "3.0 MiB")
        let half = MemoryBudget.default.bytes, all = MemoryBudget.fractionOfPhysicalMemory(1).bytes
        #expect(half > 0 && abs(Double(all) / Double(half) - 2) < 1e-6)  // integer halving: off by <= 1 byte in >= 1 MiB
        let error = MemoryBudgetExceeded(minimumBytes: 5 << 30, budget: .gibibytes(1), what: "the empirical NTK")
        #expect(error.description == "the empirical NTK needs at least 5.00 GiB even one input at a time, over the memory budget of 1.00 GiB")
    }
}
