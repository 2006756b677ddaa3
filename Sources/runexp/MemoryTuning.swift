import CRunexpMemory

/// How the process's allocator holds memory.
enum MemoryTuning {
    /// Blocks of 1 MiB and more are mapped on their own and given back when freed. glibc raises
    /// that threshold as large blocks are freed (up to 32 MiB), after which a run's row arrays of
    /// a big table come from the heap and freed ones stay resident: on a 2,000,000-row table that
    /// was 15 MiB of peak memory (bench.py `tables`). Other C libraries keep their default.
    static func returnLargeBlocks() {
        _ = runexp_map_blocks_from(1 << 20)
    }
}
