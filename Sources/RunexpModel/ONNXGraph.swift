import Foundation
import RunexpONNX
import SwiftProtobuf

/// Builds an ONNX graph node by node: named tensors (initializers), nodes with generated output
/// names, and typed inputs and outputs. The same calls give the same bytes.
struct ONNXGraph {
    private(set) var nodes: [Onnx_NodeProto] = []
    private(set) var initializers: [Onnx_TensorProto] = []
    private(set) var inputs: [Onnx_ValueInfoProto] = []
    private(set) var outputs: [Onnx_ValueInfoProto] = []
    private var count = 0

    /// ONNX's element types (TensorProto.DataType).
    enum ElementType: Int32 {
        case float = 1, int64 = 7, string = 8
    }

    /// A float32 tensor of `dims` (row-major), stored little-endian in raw_data.
    @discardableResult
    mutating func tensor(_ name: String, _ values: [Float], dims: [Int]) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = ElementType.float.rawValue
        tensor.dims = dims.map(Int64.init)
        var bytes = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        tensor.rawData = bytes
        initializers.append(tensor)
        return name
    }

    @discardableResult
    mutating func tensor(_ name: String, int64s values: [Int64], dims: [Int]) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = ElementType.int64.rawValue
        tensor.dims = dims.map(Int64.init)
        tensor.int64Data = values
        initializers.append(tensor)
        return name
    }

    @discardableResult
    mutating func tensor(_ name: String, strings values: [String]) -> String {
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dataType = ElementType.string.rawValue
        tensor.dims = [Int64(values.count)]
        tensor.stringData = values.map { Data($0.utf8) }
        initializers.append(tensor)
        return name
    }

    /// A node of `op` on `inputs`; returns its (generated, or given) output's name.
    @discardableResult
    mutating func node(_ op: String, _ inputs: [String], _ attributes: [Onnx_AttributeProto] = [], domain: String = "",
                       output: String? = nil) -> String {
        count += 1
        let name = output ?? "\(op.lowercased())_\(count)"
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = "node_\(count)_\(op)"
        node.input = inputs
        node.output = [name]
        node.attribute = attributes
        if !domain.isEmpty { node.domain = domain }
        nodes.append(node)
        return name
    }

    /// A graph input or output of `type` whose first dimension is the row count `N`.
    static func value(_ name: String, _ type: ElementType, columns: Int?) -> Onnx_ValueInfoProto {
        var info = Onnx_ValueInfoProto()
        info.name = name
        var tensor = Onnx_TypeProto.Tensor()
        tensor.elemType = type.rawValue
        var shape = Onnx_TensorShapeProto()
        var rows = Onnx_TensorShapeProto.Dimension()
        rows.dimParam = "N"
        shape.dim = [rows]
        if let columns {
            var dimension = Onnx_TensorShapeProto.Dimension()
            dimension.dimValue = Int64(columns)
            shape.dim.append(dimension)
        }
        tensor.shape = shape
        info.type.tensorType = tensor
        return info
    }

    mutating func input(_ name: String, _ type: ElementType, columns: Int) {
        inputs.append(Self.value(name, type, columns: columns))
    }

    mutating func output(_ name: String, _ type: ElementType, columns: Int?) {
        outputs.append(Self.value(name, type, columns: columns))
    }

    static func attribute(_ name: String, int value: Int64) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .int
        attribute.i = value
        return attribute
    }

    static func attribute(_ name: String, float value: Float) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .float
        attribute.f = value
        return attribute
    }

    static func attribute(_ name: String, strings values: [String]) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .strings
        attribute.strings = values.map { Data($0.utf8) }
        return attribute
    }

    static func attribute(_ name: String, string value: String) -> Onnx_AttributeProto {
        var attribute = Onnx_AttributeProto()
        attribute.name = name
        attribute.type = .string
        attribute.s = Data(value.utf8)
        return attribute
    }

    /// The float32 values of initializer `name` (raw_data or float_data), or nil.
    static func floats(of tensor: Onnx_TensorProto) -> [Float]? {
        guard tensor.dataType == ElementType.float.rawValue else { return nil }
        if !tensor.floatData.isEmpty { return tensor.floatData }
        let data = tensor.rawData
        guard data.count % 4 == 0 else { return nil }
        return stride(from: 0, to: data.count, by: 4).map { offset in
            var bits: UInt32 = 0
            for k in 0..<4 { bits |= UInt32(data[data.startIndex + offset + k]) << (8 * UInt32(k)) }
            return Float(bitPattern: bits)
        }
    }
}
