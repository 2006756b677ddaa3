/// What fills an empty cell of a feature column (`data.missing`, `data.columns.<name>.missing`).
public enum MissingPolicy: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An empty cell is an error (the default for numbers).
    case error
    /// The mean of the column's values in the run's training rows.
    case mean
    /// Their median.
    case median
    /// A fixed number (`missing: {constant: 0}`; `missing: constant` is 0).
    case constant(Double)
    /// The most frequent value (or category) in the run's training rows.
    case mostFrequent
    /// Categorical columns: the empty cell is a category of its own (their default).
    case category

    /// The names a YAML file may write.
    public static let names = ["error", "mean", "median", "constant", "most_frequent", "category"]

    /// The policy a name stands for (`constant` alone is 0), nil for any other text.
    public init?(name: String) {
        switch name {
        case "error": self = .error
        case "mean": self = .mean
        case "median": self = .median
        case "constant": self = .constant(0)
        case "most_frequent": self = .mostFrequent
        case "category": self = .category
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .error: "error"
        case .mean: "mean"
        case .median: "median"
        case .constant(let value): "constant \(value)"
        case .mostFrequent: "most_frequent"
        case .category: "category"
        }
    }

    /// True for the policies a column of numbers can use.
    public var fitsNumbers: Bool {
        switch self {
        case .error, .mean, .median, .constant, .mostFrequent: true
        case .category: false
        }
    }

    /// True for the policies a categorical column can use.
    public var fitsCategories: Bool {
        switch self {
        case .error, .mostFrequent, .category: true
        case .mean, .median, .constant: false
        }
    }

    enum CodingKeys: String, CodingKey { case policy, value }

    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            // A constant is stored as {policy, value}, never as its bare name.
            guard text != "constant", let policy = MissingPolicy(name: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown missing policy \(text)"))
            }
            self = policy
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = .constant(try container.decode(Double.self, forKey: .value))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .constant(let value):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("constant", forKey: .policy)
            try container.encode(value, forKey: .value)
        default:
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }
}

/// How one feature column is read: `data.columns.<name>`.
public struct ColumnPlan: Sendable, Hashable, Codable {
    /// The kind of values a column holds.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Numbers (the default).
        case numeric
        /// Labels, one-hot encoded over the categories of each run's training rows.
        case categorical
    }

    public var name: String
    public var kind: Kind
    /// Overrides `data.missing` for this column.
    public var missing: MissingPolicy?
    /// Adds a 0/1 feature "this cell was empty" (numeric columns).
    public var indicator: Bool

    public init(name: String, kind: Kind, missing: MissingPolicy? = nil, indicator: Bool = false) {
        self.name = name
        self.kind = kind
        self.missing = missing
        self.indicator = indicator
    }
}
