/// The names of the files of a result folder and of a shard folder: the one place that spells
/// them (README "The result folder" describes what each holds).
public enum ResultFiles {
    /// The experiment file that ran, verbatim.
    public static let experiment = "experiment.yaml"
    /// The resolved plan.
    public static let plan = "plan.json"
    /// A row per run.
    public static let runs = "runs.csv"
    /// A row per cell.
    public static let cells = "cells.csv"
    /// Learning curves, per run and epoch.
    public static let curves = "curves.csv"
    /// The best cell's predictions of its test (or validation) rows.
    public static let predictions = "predictions.csv"
    /// Objective, best cell, counts.
    public static let summary = "summary.json"
    /// Commit, hashes, versions, machine, command line, times.
    public static let provenance = "provenance.json"
    /// The HTML report.
    public static let report = "report.html"
    /// The journal of an unfinished folder (gone once the folder is complete).
    public static let journal = ".journal"
    /// Held (flock) by the process writing the folder.
    public static let lock = ".lock"
    /// The link to the newest finished folder of an experiment.
    public static let latest = "latest"
}
