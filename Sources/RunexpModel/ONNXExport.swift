import Foundation
import RunexpExecution
import RunexpKernel
import RunexpONNX
import RunexpPlan
import SwiftProtobuf

/// `model.onnx`: the whole model as a standard ONNX graph (opset 17; ai.onnx.ml 3 for categories)
/// that takes raw rows.
///
/// Inputs: `features`, float32 [N, F], the numeric feature columns in model.json's order (an empty
/// cell is NaN), and one string [N, 1] input per categorical column, named after it. Inside: empty
/// numbers filled, indicators, categories one-hot encoded as the training rows saw them (a category
/// they lacked, or one never seen, is all zeros), standardization, then the layers in inference
/// mode. Outputs: `label` (string [N]) and `probabilities` (float32 [N, C], model.json's class
/// order), or for a regression `prediction` (float32 [N, 1], in the target's units).
///
/// The weights are initializers named after their layer (`layer3.kernel`, `layer3.bias`, a norm's
/// `.gamma` `.beta`, a batch norm's `.moving_mean` `.moving_variance`), which ``ONNXImport`` reads back.
enum ONNXExport {
    static let opset: Int64 = 17
    static let mlOpset: Int64 = 3
    static let mlDomain = "ai.onnx.ml"
    /// The initializer names of layer `index`'s values, in ``Network/values(ofLayer:)``'s order.
    static func valueNames(layer index: Int, _ spec: LayerSpec) -> [String] {
        switch spec {
        case .dense: ["layer\(index).kernel", "layer\(index).bias"]
        case .dropout: []
        case .batchNorm: ["layer\(index).gamma", "layer\(index).beta", "layer\(index).moving_mean", "layer\(index).moving_variance"]
        case .layerNorm: ["layer\(index).gamma", "layer\(index).beta"]
        }
    }

    static func model(_ description: ModelDescription, network: Network) -> Onnx_ModelProto {
        var graph = ONNXGraph()
        var pieces: [String] = []
        let preparation = description.preparation
        let numeric = preparation.columns.filter { if case .numeric = $0.kind { return true } else { return false } }
        var filled: String?
        var missing: String?
        if !numeric.isEmpty {
            graph.input("features", .float, columns: numeric.count)
            let fills = graph.tensor("fills", numeric.map(\.fill), dims: [numeric.count])
            let isMissing = graph.node("IsNaN", ["features"])
            filled = graph.node("Where", [isMissing, fills, "features"])
            if numeric.contains(where: { if case .numeric(_, true) = $0.kind { return true } else { return false } }) {
                missing = graph.node("Cast", [isMissing], [ONNXGraph.attribute("to", int: Int64(ONNXGraph.ElementType.float.rawValue))])
            }
        }
        var numericIndex = 0
        var usesML = false
        for (column, prepared) in preparation.columns.enumerated() {
            switch prepared.kind {
            case .numeric(_, let indicator):
                let index = graph.tensor("column\(column).index", int64s: [Int64(numericIndex)], dims: [1])
                pieces.append(graph.node("Gather", [filled ?? "", index], [ONNXGraph.attribute("axis", int: 1)]))
                if indicator, let missing {
                    pieces.append(graph.node("Gather", [missing, index], [ONNXGraph.attribute("axis", int: 1)]))
                }
                numericIndex += 1
            case .categorical(let categories, _):
                usesML = true
                graph.input(prepared.name, .string, columns: 1)
                let lookup = oneHotLookup(prepared)
                let encoded = graph.node("OneHotEncoder", [prepared.name],
                                         [ONNXGraph.attribute("cats_strings", strings: categories), ONNXGraph.attribute("zeros", int: 1)],
                                         domain: mlDomain)
                let flat = graph.node("Flatten", [encoded], [ONNXGraph.attribute("axis", int: 1)])
                let matrix = graph.tensor("column\(column).one_hot", lookup.matrix, dims: [categories.count, lookup.width])
                pieces.append(graph.node("MatMul", [flat, matrix]))
            }
        }
        // All-numeric data without indicators needs no gathering: the filled features are the inputs.
        var x: String
        if let filled, pieces.count == numeric.count, numeric.count == preparation.columns.count,
           !numeric.contains(where: { if case .numeric(_, true) = $0.kind { return true } else { return false } }) {
            x = filled
        } else {
            x = pieces.count == 1 ? pieces[0] : graph.node("Concat", pieces, [ONNXGraph.attribute("axis", int: 1)])
        }
        let width = preparation.width
        x = graph.node("Sub", [x, graph.tensor("input.mean", preparation.means, dims: [width])])
        x = graph.node("Div", [x, graph.tensor("input.deviation", preparation.deviations, dims: [width])])

        var inputWidth = width
        for (index, spec) in network.layers.enumerated() {
            let names = valueNames(layer: index, spec)
            let values = network.values(ofLayer: index)
            switch spec {
            case .dense(let units, let activation):
                let kernel = graph.tensor(names[0], values[0], dims: [inputWidth, units])
                let bias = graph.tensor(names[1], values[1], dims: [units])
                x = graph.node("Add", [graph.node("MatMul", [x, kernel]), bias])
                x = activate(x, activation, graph: &graph)
                inputWidth = units
            case .dropout:
                continue
            case .batchNorm(_, let epsilon):
                let tensors = zip(names, values).map { graph.tensor($0, $1, dims: [inputWidth]) }
                x = graph.node("BatchNormalization", [x] + tensors, [ONNXGraph.attribute("epsilon", float: Float(epsilon))])
            case .layerNorm(let epsilon):
                let tensors = zip(names, values).map { graph.tensor($0, $1, dims: [inputWidth]) }
                x = graph.node("LayerNormalization", [x] + tensors,
                               [ONNXGraph.attribute("axis", int: -1), ONNXGraph.attribute("epsilon", float: Float(epsilon))])
            }
        }

        if let classes = description.classes {
            var probabilities = x
            if network.probabilityColumns == 2, network.outputWidth == 1 {
                let one = graph.tensor("one", [1], dims: [1])
                probabilities = graph.node("Concat", [graph.node("Sub", [one, x]), x], [ONNXGraph.attribute("axis", int: 1)])
            }
            graph.node("Identity", [probabilities], output: "probabilities")
            let index = graph.node("ArgMax", ["probabilities"], [ONNXGraph.attribute("axis", int: 1), ONNXGraph.attribute("keepdims", int: 0)])
            graph.node("Gather", [graph.tensor("classes", strings: classes), index], [ONNXGraph.attribute("axis", int: 0)], output: "label")
            graph.output("label", .string, columns: nil)
            graph.output("probabilities", .float, columns: classes.count)
        } else {
            let scale = graph.tensor("target.scale", [Float(description.target.scale)], dims: [1])
            let offset = graph.tensor("target.offset", [Float(description.target.offset)], dims: [1])
            graph.node("Add", [graph.node("Mul", [x, scale]), offset], output: "prediction")
            graph.output("prediction", .float, columns: 1)
        }

        var model = Onnx_ModelProto()
        model.irVersion = 8
        var onnx = Onnx_OperatorSetIdProto()
        onnx.domain = ""
        onnx.version = opset
        model.opsetImport = [onnx]
        if usesML {
            var ml = Onnx_OperatorSetIdProto()
            ml.domain = mlDomain
            ml.version = mlOpset
            model.opsetImport.append(ml)
        }
        model.producerName = "runexp"
        model.producerVersion = description.runexpVersion
        model.docString = "\(description.experiment), cell \(description.cell.id); see model.json"
        var body = Onnx_GraphProto()
        body.name = description.experiment
        body.node = graph.nodes
        body.initializer = graph.initializers
        body.input = graph.inputs
        body.output = graph.outputs
        model.graph = body
        return model
    }

    /// The one-hot matrix of a categorical column (categories × the column's inputs): category k
    /// sets the input runs set for it (``DataPreparation/oneHotInput(category:empty:fill:seen:)``).
    static func oneHotLookup(_ column: DataPreparation.Column) -> (matrix: [Float], width: Int) {
        guard case .categorical(let categories, _) = column.kind else { return ([], 0) }
        let empty = column.kind.droppedCategory
        let width = categories.count - (empty == nil ? 0 : 1)
        var matrix = [Float](repeating: 0, count: categories.count * width)
        for code in categories.indices {
            if let input = DataPreparation.oneHotInput(category: code, empty: empty, fill: column.fill, seen: column.seen) {
                matrix[code * width + input] = 1
            }
        }
        return (matrix, width)
    }

    /// `activation(x)` as ONNX nodes (gelu in its tanh form, silu as x·σ(x)).
    private static func activate(_ x: String, _ activation: Activation, graph: inout ONNXGraph) -> String {
        switch activation {
        case .linear: return x
        case .relu: return graph.node("Relu", [x])
        case .tanh: return graph.node("Tanh", [x])
        case .sigmoid: return graph.node("Sigmoid", [x])
        case .softmax: return graph.node("Softmax", [x], [ONNXGraph.attribute("axis", int: -1)])
        case .elu: return graph.node("Elu", [x], [ONNXGraph.attribute("alpha", float: 1)])
        case .selu:
            return graph.node("Selu", [x], [ONNXGraph.attribute("alpha", float: Activation.seluAlpha),
                                            ONNXGraph.attribute("gamma", float: Activation.seluScale)])
        case .leakyRelu: return graph.node("LeakyRelu", [x], [ONNXGraph.attribute("alpha", float: Activation.leakySlope)])
        case .softplus: return graph.node("Softplus", [x])
        case .silu: return graph.node("Mul", [x, graph.node("Sigmoid", [x])])
        case .gelu:
            let cube = graph.node("Mul", [graph.node("Mul", [x, x]), x])
            let inner = graph.node("Add", [x, graph.node("Mul", [cube, constant("gelu.cubic", 0.044715, &graph)])])
            let t = graph.node("Tanh", [graph.node("Mul", [inner, constant("gelu.scale", Activation.geluScale, &graph)])])
            let half = graph.node("Mul", [x, constant("gelu.half", 0.5, &graph)])
            return graph.node("Mul", [half, graph.node("Add", [t, constant("gelu.one", 1, &graph)])])
        }
    }

    /// A scalar initializer, made once per graph.
    private static func constant(_ name: String, _ value: Float, _ graph: inout ONNXGraph) -> String {
        if graph.initializers.contains(where: { $0.name == name }) { return name }
        return graph.tensor(name, [value], dims: [1])
    }
}
