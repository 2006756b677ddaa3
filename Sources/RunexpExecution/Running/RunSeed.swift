import RunexpKernel
import RunexpPlan

/// The seed of one run: derived from the plan's seed, the cell's id, the repetition and the fold,
/// so a run keeps its seed when cells are added, removed or reordered.
public enum RunSeed {
    /// The seed `run` trains with under `plan` (the run's cell must be in the plan).
    public static func of(_ run: RunID, in plan: Plan) -> UInt64 {
        deriveSeed(plan.seed, plan.cells[run.cell].idHash, UInt64(run.repetition), UInt64(run.fold))
    }
}
