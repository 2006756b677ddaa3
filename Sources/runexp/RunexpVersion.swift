/// The version runexp reports and records in provenance.
enum RunexpVersion {
    static let current = "0.1.0"
}
