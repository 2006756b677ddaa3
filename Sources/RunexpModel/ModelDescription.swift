import RunexpExecution
import RunexpPlan

/// `model.json`: what a refitted model is, how it was made, and what it needs of a row.
///
/// The weights are in `model.onnx` (its initializers), written once; this file holds the rest:
/// the source (experiment, cell, result folder, commit), the feature columns in input order and
/// the data preparation fitted on the training rows, the layers, the class labels in output order
/// (classification) or the target's scale (regression), and the metrics of the refit.
public struct ModelDescription: Sendable, Codable, Equatable {
    /// The layout of this file; a reader refuses a newer one.
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    public var runexpVersion: String
    public var experiment: String
    public var cell: CellSource
    public var source: Source
    public var training: Refit
    /// `classification` or `regression`.
    public var task: String
    /// The training file's field separator when it is not a comma (`;` or a tab): `predict` reads
    /// new rows with it.
    public var delimiter: String?
    /// The file's feature columns, in the order `model.onnx`'s inputs take them.
    public var features: [Feature]
    /// The network's inputs after preparation, by name (`Sex=female`, `Age (missing)`, …).
    public var inputs: [String]
    public var preparation: DataPreparation
    /// Every layer of the network with its units resolved.
    public var layers: [LayerPlan]
    /// Classification: the labels in the order of the outputs' probabilities.
    public var classes: [String]?
    /// The positive class of binary metrics (precision, recall, f1, ROC AUC), when the experiment names one.
    public var positive: String?
    /// Regression: a network output p means p · scale + offset.
    public var target: TargetColumn
    /// The refitted model's metrics on the experiment's test rows (when it has them), by name.
    public var testMetrics: [String: Double]

    public struct CellSource: Sendable, Codable, Equatable {
        public var id: String
        public var rank: Int
        /// Axis name → value, as the result folder writes them.
        public var values: [String: String]
    }

    public struct Source: Sendable, Codable, Equatable {
        public var resultFolder: String
        public var commit: String?
        public var dataFile: String
        public var dataSHA256: String
    }

    public struct Refit: Sendable, Codable, Equatable {
        /// `train` or `train+validation`.
        public var rows: String
        public var rowCount: Int
        public var epochs: Int
        public var seed: UInt64
        public var diverged: Bool
    }

    public struct Feature: Sendable, Codable, Equatable {
        public var name: String
        /// `numeric` (in the `features` input) or `categorical` (a string input of its own).
        public var type: String
    }

    public struct TargetColumn: Sendable, Codable, Equatable {
        public var name: String
        public var scale: Double
        public var offset: Double
    }

    /// The numeric feature columns, in file order: the columns of `model.onnx`'s `features` input.
    public var numericFeatures: [String] { features.filter { $0.type == "numeric" }.map(\.name) }
    /// The categorical feature columns, each a string input of `model.onnx`.
    public var categoricalFeatures: [String] { features.filter { $0.type == "categorical" }.map(\.name) }
}
