import Foundation
import Testing
@testable import RunexpPlan
import RunexpTestSupport

/// schemas/experiment.schema.json and the parser agree on every key and every enumerated value.
@Suite struct SchemaTests {
    let schema: [String: Any]

    init() throws {
        let url = Fixtures.repositoryRoot.appendingPathComponent("schemas/experiment.schema.json")
        schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func definition(_ name: String) -> [String: Any] {
        ((schema["$defs"] as? [String: Any])?[name] as? [String: Any]) ?? [:]
    }

    func keys(_ object: [String: Any]) -> Set<String> {
        Set(((object["properties"] as? [String: Any]) ?? [:]).keys)
    }

    /// The enum values a property allows, looking through anyOf / oneOf.
    func enumValues(_ property: Any?) -> Set<String> {
        guard let property = property as? [String: Any] else { return [] }
        var values = Set((property["enum"] as? [String]) ?? [])
        for key in ["anyOf", "oneOf"] {
            for option in (property[key] as? [Any]) ?? [] { values.formUnion(enumValues(option)) }
        }
        return values
    }

    func property(_ definition: String, _ name: String) -> Any? {
        (self.definition(definition)["properties"] as? [String: Any])?[name]
    }

    @Test func everySectionHasExactlyTheParsersKeys() {
        #expect(keys(schema) == Set(ExperimentKey.names))
        #expect(keys(definition("data")) == Set(DataKey.names))
        #expect(keys(definition("split")) == Set(SplitKey.names))
        #expect(keys(definition("dense")) == Set(DenseKey.names))
        #expect(keys(definition("training")) == Set(TrainingKey.names))
        #expect(keys(definition("optimizer")) == Set(OptimizerKey.names))
        #expect(keys(definition("earlyStopping")) == Set(EarlyStoppingKey.names))
        #expect(keys(definition("search")) == Set(SearchKey.names))
        #expect(keys(definition("objective")) == Set(ObjectiveKey.names))
        #expect(keys(definition("report")) == Set(ReportKey.names))
        #expect(keys(definition("heatmap")) == Set(HeatmapKey.names))
        let random = (definition("search")["properties"] as? [String: Any])?["random"] as? [String: Any] ?? [:]
        #expect(keys(random) == Set(RandomKey.names))
        let layers = (definition("layer")["oneOf"] as? [[String: Any]]) ?? []
        #expect(Set(layers.flatMap(keys)) == Set(LayerKey.names))
        let distributions = (definition("distribution")["oneOf"] as? [[String: Any]]) ?? []
        #expect(Set(distributions.flatMap(keys)) == Set(DistributionKey.names))
        let dropoutForms = (definition("dropout")["anyOf"] as? [[String: Any]]) ?? []
        #expect(Set(dropoutForms.flatMap(keys)) == Set(DropoutKey.names))
        let batchNormForms = (definition("batchNorm")["anyOf"] as? [[String: Any]]) ?? []
        #expect(Set(batchNormForms.flatMap(keys)) == Set(BatchNormKey.names))
        let layerNormForms = (definition("layerNorm")["anyOf"] as? [[String: Any]]) ?? []
        #expect(Set(layerNormForms.flatMap(keys)) == Set(LayerNormKey.names))
    }

    @Test func everyEnumeratedValueMatchesTheParser() {
        #expect(enumValues(property("dense", "activation")) == Set(ActivationName.allCases.map(\.rawValue)))
        #expect(enumValues(property("training", "loss")) == Set(LossName.allCases.map(\.rawValue)))
        #expect(enumValues(property("optimizer", "name")) == Set(OptimizerName.allCases.map(\.rawValue)))
        #expect(enumValues(property("training", "optimizer")) == Set(OptimizerName.allCases.map(\.rawValue)))
        #expect(enumValues(property("earlyStopping", "monitor")) == Set(MonitorName.allCases.map(\.rawValue)))
        #expect(enumValues(property("objective", "metric")) == Set(MetricName.all.map(\.description)))
        #expect(enumValues(property("objective", "goal")) == Set(Goal.allCases.map(\.rawValue)))
        #expect(enumValues(property("heatmap", "aggregate")) == Set(Aggregate.allCases.map(\.rawValue)))
        #expect(enumValues(property("training", "class_weight")) == ["none", "balanced"])
    }

    @Test func schemaVersionBoundMatchesTheParser() throws {
        let version = try #require((schema["properties"] as? [String: Any])?["schema_version"] as? [String: Any])
        #expect(version["maximum"] as? Int == Plan.currentSchemaVersion)
    }

    /// The schema's maximums are the parser's limits (ResourceLimits), so an editor flags what
    /// runexp would refuse.
    @Test func maximumsAreTheResourceLimits() throws {
        /// The `maximum` of a property, looking through anyOf.
        func maximum(_ property: Any?) -> Int? {
            guard let property = property as? [String: Any] else { return nil }
            if let value = property["maximum"] as? Int { return value }
            return ((property["anyOf"] as? [Any]) ?? []).lazy.compactMap { maximum($0) }.first
        }
        let name = try #require((schema["properties"] as? [String: Any])?["name"] as? [String: Any])
        #expect(name["maxLength"] as? Int == ResourceLimits.nameLength)
        #expect(maximum(property("split", "folds")) == ResourceLimits.folds)
        #expect(maximum(property("dense", "units")) == ResourceLimits.units)
        #expect(maximum(property("training", "epochs")) == ResourceLimits.epochs)
        #expect(maximum(property("search", "repetitions")) == ResourceLimits.repetitions)
        let random = try #require(property("search", "random") as? [String: Any])
        #expect(maximum((random["properties"] as? [String: Any])?["samples"]) == ResourceLimits.cells)
    }

    /// Every experiment file validates against the schema (python3 with jsonschema and PyYAML,
    /// which .ci/run installs) and names the schema on its first line. Skipped where python3 lacks
    /// them, unless `RUNEXP_REQUIRE_TOOLS=1` (CI).
    @Test(.enabled(if: PythonSchemaTools.available,
                   "python3 with jsonschema and PyYAML is not installed (pip install jsonschema pyyaml); RUNEXP_REQUIRE_TOOLS=1 makes this a failure"))
    func experimentFilesValidateAgainstTheSchema() throws {
        let root = Fixtures.repositoryRoot
        let experiments = root.appendingPathComponent("experiments")
        let files = try FileManager.default.contentsOfDirectory(atPath: experiments.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.count >= 4)
        for file in files {
            let text = try String(contentsOf: experiments.appendingPathComponent(file), encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema=../schemas/experiment.schema.json\n"), "\(file)")
        }
        let script = """
            import glob, json, sys
            import jsonschema, yaml
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            validator = jsonschema.Draft202012Validator(schema)
            bad = 0
            for path in sorted(glob.glob(sys.argv[2] + "/*.yaml")):
                for error in validator.iter_errors(yaml.safe_load(open(path))):
                    print(path, list(error.path), error.message); bad += 1
            # The schema must also reject what the parser rejects.
            for text in ["name: x\\n", "name: BAD\\ndata: {file: a, target: b}\\nmodel: [{dense: {units: 2}}]\\ntraining: {epochs: 1, optimizer: sgd}\\n",
                         "name: x\\ndata: {file: a, target: b}\\nmodel: [{dense: {units: 2, activaton: relu}}]\\ntraining: {epochs: 1, optimizer: sgd}\\n"]:
                if validator.is_valid(yaml.safe_load(text)):
                    print("accepted an invalid file:", repr(text)); bad += 1
            sys.exit(1 if bad else 0)
            """
        let output = try ChildProcess.run("/usr/bin/env", ["python3", "-c", script,
                                                           root.appendingPathComponent("schemas/experiment.schema.json").path, experiments.path],
                                          timeout: 120)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
    }
}

/// Whether the schema's Python check can run here.
enum PythonSchemaTools {
    /// True when tools are required (CI), or `python3 -c 'import jsonschema, yaml'` succeeds.
    static let available: Bool = {
        if ProcessInfo.processInfo.environment["RUNEXP_REQUIRE_TOOLS"] == "1" { return true }
        return (try? ChildProcess.run("/usr/bin/env", ["python3", "-c", "import jsonschema, yaml"], timeout: 60))?.status == 0
    }()
}
