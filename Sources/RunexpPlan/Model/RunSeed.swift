/// The seed of one run: derived from the plan's seed, the cell's id, the repetition and the fold,
/// so a run keeps its seed when cells are added, removed or reordered.
///
/// The kernel's `deriveSeed(plan.seed, idHash, repetition, fold)`, written out here so that what
/// checks a result folder's seeds (resume, merge, report) needs the plan only; a test holds the two
/// equal.
public enum RunSeed {
    /// The seed `run` trains with under `plan` (the run's cell must be in the plan).
    public static func of(_ run: RunID, in plan: Plan) -> UInt64 {
        derive(plan.seed, [plan.cells[run.cell].idHash, UInt64(run.repetition), UInt64(run.fold)])
    }

    /// The seed `runexp fit` refits cell `cell` with: like its runs', but apart from every one of them.
    public static func refit(cell: Int, in plan: Plan) -> UInt64 {
        derive(plan.seed, [plan.cells[cell].idHash, 0x5EF1_7000_0000_0000])
    }

    /// `h = mix(base)`, then for each part `h = mix((h &+ 0x9E3779B97F4A7C15) ^ mix(part))`.
    static func derive(_ base: UInt64, _ parts: [UInt64]) -> UInt64 {
        var hash = mix(base)
        for part in parts {
            hash = mix((hash &+ 0x9E37_79B9_7F4A_7C15) ^ mix(part))
        }
        return hash
    }

    /// SplitMix64's finalizer.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
