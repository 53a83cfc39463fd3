import CKernels

/// Process-wide settings of the C allocator for numerical work.
public enum AllocatorTuning {
    /// Asks the C allocator to keep freed memory for reuse instead of returning it to the
    /// system: buffers up to `mmapThreshold` bytes come from the heap rather than from fresh
    /// mappings, and the heap is trimmed only when more than `trimThreshold` bytes at its top
    /// are free.
    ///
    /// Why: training and higher-order differentiation allocate and free tensors of a few MiB
    /// at a high rate. With glibc's defaults such a buffer is often a fresh mapping (or
    /// re-grown heap) whose first touch costs one page fault per 4 KiB page; with this
    /// setting it is recycled (the Hessian-vector product benchmark of an MLP
    /// 784-512-512-10, batch 128: 23 ms to 13 ms on a 2-core machine). The cost: memory
    /// freed below the thresholds stays with the process until it exits.
    ///
    /// It changes the whole process, so the library never calls it on its own; the
    /// `inductive` command calls it at start, and programs built on the library may.
    /// The default mmap threshold, 32 MiB, is the largest that glibc's own adaptive
    /// threshold reaches on 64-bit systems; larger buffers stay fresh mappings (with huge
    /// pages, see `Tensor`).
    ///
    /// - Returns: true when the allocator accepted both settings; false on platforms
    ///   without glibc (nothing to do) or for values glibc rejects.
    @discardableResult
    public static func retainFreedMemory(mmapThreshold: Int = 32 << 20, trimThreshold: Int = 512 << 20) -> Bool {
        guard let mmap = Int32(exactly: mmapThreshold), let trim = Int32(exactly: trimThreshold) else { return false }
        return inductive_retain_freed_memory(mmap, trim) == 1
    }
}
