import Foundation
import RunexpExecution
import RunexpKernel
import RunexpONNX
import RunexpPlan
import RunexpResults
import SwiftProtobuf

/// Why a model could not be made, read or used: a message for the terminal, naming the file.
public struct ModelError: Error, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// A model folder: `model.json` and `model.onnx`, written together and read back together.
public struct ModelFolder: Sendable {
    public static let descriptionFile = "model.json"
    public static let onnxFile = "model.onnx"
    /// The largest model file read back (a million-parameter network is 4 MB).
    static let fileBytes = 256 << 20

    public let description: ModelDescription
    /// The network with its weights, as `model.onnx` holds them.
    public let network: Network

    /// `model.json`'s bytes: pretty, keys sorted, so that the same model writes the same bytes.
    static func descriptionBytes(_ description: ModelDescription) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(description) + Data("\n".utf8)
    }

    /// Writes the folder at `path` through a temporary folder beside it, renamed into place: a
    /// failure leaves no half-written model, and an earlier model at `path` stays until the new one is complete.
    static func write(_ description: ModelDescription, onnx: Onnx_ModelProto, to path: String) throws(ModelError) {
        let manager = FileManager.default
        let target = URL(fileURLWithPath: path)
        let parent = target.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try manager.createDirectory(at: parent, withIntermediateDirectories: true)
            try? manager.removeItem(at: temporary)
            try manager.createDirectory(at: temporary, withIntermediateDirectories: false)
            try descriptionBytes(description).write(to: temporary.appendingPathComponent(descriptionFile))
            let onnxBytes: Data = try onnx.serializedBytes()
            try onnxBytes.write(to: temporary.appendingPathComponent(onnxFile))
            if manager.fileExists(atPath: target.path) {
                let old = parent.appendingPathComponent(".\(target.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
                try manager.moveItem(at: target, to: old)
                try manager.moveItem(at: temporary, to: target)
                try? manager.removeItem(at: old)
            } else {
                try manager.moveItem(at: temporary, to: target)
            }
        } catch {
            try? manager.removeItem(at: temporary)
            throw ModelError("\(path): error: cannot write the model: \(ErrorText.describe(error))")
        }
    }

    /// Reads the model folder at `path`, checking that its two files belong together.
    public static func read(_ path: String) throws(ModelError) -> ModelFolder {
        let jsonPath = PathText.join(path, descriptionFile), onnxPath = PathText.join(path, onnxFile)
        func bytes(_ file: String) throws(ModelError) -> Data {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw ModelError("\(file): error: no such file; a model folder holds \(descriptionFile) and \(onnxFile) (made by runexp fit)")
            }
            switch BoundedFile.read(file, limit: fileBytes) {
            case .success(let data): return data
            case .failure(.tooLarge(let size, _)):
                throw ModelError("\(file): error: \(size) bytes is larger than a model file runexp reads (at most \(fileBytes))")
            case .failure(let failure): throw ModelError("\(file): error: cannot read: \(failure)")
            }
        }
        let json = try bytes(jsonPath)
        // The version first, so a newer layout is named as such rather than as a broken file.
        if let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any], let version = object["formatVersion"] as? Int,
           version > ModelDescription.currentFormatVersion {
            throw ModelError("\(jsonPath): error: model format version \(version) is newer than this runexp reads "
                             + "(\(ModelDescription.currentFormatVersion)); upgrade runexp")
        }
        let description: ModelDescription
        do {
            let decoder = JSONDecoder()
            description = try decoder.decode(ModelDescription.self, from: json)
        } catch let error as DecodingError {
            throw ModelError("\(jsonPath): error: not a model description runexp wrote: \(Self.describe(error))")
        } catch {
            throw ModelError("\(jsonPath): error: not a model description runexp wrote: \(ErrorText.describe(error))")
        }
        if let problem = problem(with: description) { throw ModelError("\(jsonPath): error: \(problem)") }
        let onnx: Onnx_ModelProto
        do {
            onnx = try Onnx_ModelProto(serializedBytes: try bytes(onnxPath))
        } catch let error as ModelError {
            throw error
        } catch {
            throw ModelError("\(onnxPath): error: not an ONNX model: \(ErrorText.describe(error))")
        }
        guard let network = network(description, onnx) else {
            throw ModelError("\(onnxPath): error: its weights do not fit the layers of \(descriptionFile); the two files are not one model")
        }
        return ModelFolder(description: description, network: network)
    }

    /// A decoding failure in words: what is wrong, at which key path.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "" : " at \(keys.dropFirst(keys.hasPrefix(".") ? 1 : 0))"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(context.debugDescription)\(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return "\(error)"
        }
    }

    /// What makes a description unusable (counts that disagree, unknown names), or nil.
    static func problem(with description: ModelDescription) -> String? {
        let preparation = description.preparation
        guard preparation.means.count == preparation.width, preparation.deviations.count == preparation.width,
              description.inputs == preparation.inputNames else {
            return "its preparation does not fit its inputs"
        }
        for column in preparation.columns {
            switch column.kind {
            case .categorical(let categories, _):
                if column.seen.count != categories.count { return "column '\(Diagnostic.excerpt(column.name))': one seen flag per category" }
                // The fill of a categorical column is the index of a category.
                if !(column.fill >= 0 && column.fill < Float(categories.count) && column.fill == column.fill.rounded()) {
                    return "column '\(Diagnostic.excerpt(column.name))': fill \(column.fill) is not one of its \(categories.count) categories"
                }
            case .numeric:
                if !column.fill.isFinite { return "column '\(Diagnostic.excerpt(column.name))': fill \(column.fill) is not a finite number" }
            }
        }
        guard description.features.map(\.name) == preparation.columns.map(\.name) else { return "its features are not its preparation's columns" }
        guard description.task == "classification" || description.task == "regression" else { return "unknown task '\(description.task)'" }
        if description.task == "classification", (description.classes?.count ?? 0) < 2 { return "a classifier needs two classes or more" }
        return nil
    }

    /// The network model.json's layers describe with model.onnx's weights, or nil when they do not fit.
    static func network(_ description: ModelDescription, _ onnx: Onnx_ModelProto) -> Network? {
        let classes = description.classes?.count ?? 1
        let layers = description.layers.map { LayerSpec($0, classes: classes) }
        var tensors: [String: [Float]] = [:]
        for tensor in onnx.graph.initializer {
            tensors[tensor.name] = ONNXGraph.floats(of: tensor)
        }
        var values: [[[Float]]] = []
        for (index, layer) in layers.enumerated() {
            var layerValues: [[Float]] = []
            for name in ONNXExport.valueNames(layer: index, layer) {
                guard let given = tensors[name] else { return nil }
                layerValues.append(given)
            }
            values.append(layerValues)
        }
        guard let network = Network(inputWidth: description.preparation.width, layers: layers, layerValues: values) else { return nil }
        let weights = description.classes == nil ? [] : [Float](repeating: 1, count: classes)
        let loss: LossKind = description.classes == nil ? .meanSquaredError
            : layers.last == LayerSpec.dense(units: 1, activation: .sigmoid) ? .binaryCrossentropy : .categoricalCrossentropy
        do {
            try network.validate(classCount: classes, settings: TrainingSettings(epochs: 1, batchSize: 1, optimizer: .sgd(learningRate: 0),
                                                                                loss: loss, classWeights: weights))
        } catch {
            return nil
        }
        return network
    }
}
