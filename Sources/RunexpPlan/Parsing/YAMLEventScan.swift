// libyaml ships inside Yams (its `CYaml` module); the scan reads its events directly because
// Yams' own composer resolves aliases and hashes mapping keys before anything can look at them.
import CYaml

/// A pass over the YAML events of an experiment file before any tree is built: it refuses anchors,
/// aliases and tags, nesting deeper than ``ResourceLimits/yamlDepth`` and more nodes than
/// ``ResourceLimits/yamlNodes``, at the position of the first offending node.
///
/// Why before composing: Yams resolves an alias to the anchored node, so a few hundred bytes of
/// nested aliases describe billions of nodes; walking that tree, or hashing an alias used as a
/// mapping key (Yams' duplicate-key check does), never ends. The scan holds one event at a time:
/// time and memory are linear in the file. Syntax errors are left to the composer, which reports
/// them with their context.
enum YAMLEventScan {
    /// The first problem in `text`, or nil when it can be composed safely (or has a syntax error).
    static func firstProblem(in text: String, file: String) -> Diagnostic? {
        var text = text
        return text.withUTF8 { bytes in scan(bytes, file: file) }
    }

    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>, file: String) -> Diagnostic? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        var depth = 0
        var nodes = 0
        var event = yaml_event_t()
        while yaml_parser_parse(&parser, &event) == 1 {
            defer { yaml_event_delete(&event) }
            let location = SourceLocation(file: file, line: Int(event.start_mark.line) + 1,
                                          column: Int(event.start_mark.column) + 1)
            var anchor: UnsafeMutablePointer<yaml_char_t>?
            var tag: UnsafeMutablePointer<yaml_char_t>?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return nil
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { Diagnostic.excerpt(String(cString: $0)) } ?? ""
                return Diagnostic(location: location, keyPath: "",
                                  message: "YAML aliases ('*\(name)') are not supported",
                                  help: "write the value out where it is used")
            case YAML_SCALAR_EVENT:
                anchor = event.data.scalar.anchor
                tag = event.data.scalar.tag
                nodes += 1
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                tag = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.tag : event.data.mapping_start.tag
                nodes += 1
                depth += 1
                if depth > ResourceLimits.yamlDepth {
                    return Diagnostic(location: location, keyPath: "",
                                      message: "lists and mappings nested \(depth) deep; at most \(ResourceLimits.yamlDepth) (ResourceLimits.yamlDepth)")
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                depth -= 1
            default:
                break
            }
            if let anchor {
                return Diagnostic(location: location, keyPath: "",
                                  message: "YAML anchors ('&\(Diagnostic.excerpt(String(cString: anchor)))') are not supported",
                                  help: "write the value out where it is used, without '&' and '*'")
            }
            if let tag {
                // `!!str 3` would be read as the number 3 (runexp types values by their key), and
                // `!custom` means nothing here: a tag is refused rather than silently ignored.
                var written = String(cString: tag)
                if written.hasPrefix("tag:yaml.org,2002:") { written = "!!" + written.dropFirst("tag:yaml.org,2002:".count) }
                return Diagnostic(location: location, keyPath: "",
                                  message: "YAML tags ('\(Diagnostic.excerpt(written))') are not supported",
                                  help: "write the value without the tag: each key says what its value is")
            }
            if nodes > ResourceLimits.yamlNodes {
                return Diagnostic(location: location, keyPath: "",
                                  message: "more than \(ResourceLimits.yamlNodes) YAML values; at most \(ResourceLimits.yamlNodes) (ResourceLimits.yamlNodes)")
            }
        }
        return nil
    }
}
