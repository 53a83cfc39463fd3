import CKernels

/// Process-wide settings of the C allocator for numerical work.
public enum AllocatorTuning {
    /// Asks the C allocator to keep freed memory for reuse instead of returning it to the
    /// system: buffers come from the heap rather than from fresh mappings, and the heap is
    /// trimmed only when more than `trimThreshold` bytes at its top are free.
    ///
    /// Why: training and higher-order differentiation allocate and free tensors of a few MiB
    /// to a few hundred MiB at a high rate. With glibc's defaults such a buffer is a fresh
    /// mapping whose first touch costs one page fault per 4 KiB page (and whose release
    /// unmaps it again), so the kernel's page-fault and zeroing work can exceed the
    /// arithmetic. With this setting freed buffers are recycled: the Hessian-vector product
    /// benchmark of an MLP 784-512-512-10, batch 128, went from 23 ms to 13 ms on a 2-core
    /// machine, and the full-size `ntk.linearized-dynamics` experiment (128 MiB weights, above
    /// any mmap threshold glibc accepts) from 62 s of system time and 13.7 million page
    /// faults to 5.5 s and 0.37 million, with the same peak memory.
    ///
    /// - Parameters:
    ///   - mmapThreshold: blocks of at least this many bytes get their own mapping when
    ///     `largeBuffersFromHeap` is false (glibc caps it at 32 MiB on 64-bit systems).
    ///   - trimThreshold: free bytes at the top of the heap kept for reuse; more are
    ///     returned to the system. This bounds what a shrinking program keeps.
    ///   - largeBuffersFromHeap: no block gets its own mapping (glibc's `M_MMAP_MAX` = 0),
    ///     so buffers above 32 MiB are recycled too.
    ///
    /// The cost: freed memory below the top `trimThreshold` bytes, and free blocks between
    /// live ones, stay with the process; `releaseFreedMemory()` gives them back (for
    /// example between phases of a long program, or under memory pressure).
    ///
    /// It changes the whole process, so the library never calls it on its own; the
    /// `inductive` command calls it once at start, and programs built on the library may.
    ///
    /// - Returns: true when the allocator accepted every setting; false on platforms
    ///   without glibc (nothing to do) or for values glibc rejects.
    @discardableResult
    public static func retainFreedMemory(
        mmapThreshold: Int = 32 << 20, trimThreshold: Int = 1 << 30, largeBuffersFromHeap: Bool = true
    ) -> Bool {
        guard let mmap = Int32(exactly: mmapThreshold), let trim = Int32(exactly: trimThreshold) else { return false }
        let thresholds = inductive_retain_freed_memory(mmap, trim) == 1
        // Only ever switches mappings off; the glibc default (65536 mappings) is left alone otherwise.
        let heap = largeBuffersFromHeap ? inductive_set_mmap_max(0) == 1 : true
        return thresholds && heap
    }

    /// Returns free memory the allocator holds to the system (glibc's `malloc_trim(0)`: the
    /// free top of the heap and every whole free page inside it). Costs one pass over the
    /// allocator's free lists; the next large allocations fault their pages in again.
    ///
    /// - Returns: true when memory was released; false when there was none, and on
    ///   platforms without glibc.
    @discardableResult
    public static func releaseFreedMemory() -> Bool {
        inductive_release_freed_memory() == 1
    }
}
