/// The resource budget every experiment is checked against right after parsing (and, for what
/// depends on the data, right after loading it), before anything is allocated for it.
///
/// Each limit is far above what a laptop or a cluster array finishes in a day, and low enough that
/// nothing a file or flag asks for can exhaust memory or overflow an `Int` before it is refused.
/// A refusal names the limit and the value that would be accepted; the README lists them all
/// (section "Limits"). Change a limit here and there together.
public enum ResourceLimits {
    /// Cells of one plan (grid × random samples + includes − excludes), counted before any is built.
    public static let cells = 100_000
    /// Runs of one plan: cells × repetitions × folds.
    public static let runs = 1_000_000
    /// `search.repetitions` and `--repetitions`.
    public static let repetitions = 10_000
    /// `data.split.folds` (also limited by the rows of the smallest class, once the data is read).
    public static let folds = 1_000
    /// Values of one axis, and items of `include` / `exclude`.
    public static let axisValues = 100_000
    /// `training.epochs`.
    public static let epochs = 1_000_000
    /// `units` of one dense layer.
    public static let units = 1_000_000
    /// Layers of one model once its `repeat` blocks are expanded.
    public static let layers = 1_000
    /// Trainable parameters of one network (weights and biases of every layer).
    public static let parameters = 50_000_000
    /// Bytes of one network's training arena (weights, gradients, optimizer state, activations of a
    /// batch); one arena per concurrent run.
    public static let arenaBytes = 1 << 30
    /// `--jobs`, `--cpus-per-task`.
    public static let jobs = 4_096
    /// Shards of one plan (`--shard I/N`, `--shard-count`, `--array-size`).
    public static let shards = 100_000
    /// Characters of `name` (it names folders; most file systems allow 255 bytes per name).
    public static let nameLength = 100
    /// Bytes of one experiment file, checked before it is parsed.
    public static let experimentBytes = 8 << 20
    /// YAML nodes (scalars, lists, mappings) of one experiment file, counted before they are built.
    public static let yamlNodes = 1_000_000
    /// Nesting depth of lists and mappings in one experiment file.
    public static let yamlDepth = 64
    /// Axes of one search (grid, random and include-only axes).
    public static let axes = 64
    /// Diagnostics printed for one file; the rest are counted in a last line.
    public static let diagnostics = 200
    /// Epochs trained in all (each run's epochs, summed over runs): the curve points a result
    /// folder holds in curves.csv and its journal, and the report reads back.
    public static let curvePoints = 10_000_000
    /// Bytes of one data file, checked before it is read.
    public static let dataBytes = 256 << 20
    /// Cells (rows × columns, header included) of one data file, counted while it is scanned.
    public static let dataCells = 25_000_000
    /// Network inputs of all rows (rows × inputs after one-hot encoding): the float32 matrix each
    /// run prepares, 400 MB at most. Categories widen a table past its cells: 200,000 rows of an
    /// id declared categorical would be 200,000 × 200,000 inputs.
    public static let inputCells = 100_000_000
    /// Bytes of the runs training at once: fewer workers than `--jobs` run when each needs more.
    public static let concurrentRunBytes = 8 << 30
    /// Bytes of a plan.json read back from a result or shard folder.
    public static let folderFileBytes = 256 << 20
    /// Bytes of a shard.json, assignment.json or merged.json (run indices of at most `runs` runs).
    public static let shardFileBytes = 16 << 20
    /// Rows of predictions.csv: the best cell's runs are predicted in run order while their rows
    /// fit (a big test part times many repetitions would otherwise outgrow every other file).
    public static let predictionRows = 200_000
}
