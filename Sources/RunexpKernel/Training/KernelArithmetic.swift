/// The version of the kernel's arithmetic: what a run cache's entries are bound to.
///
/// Change it in the same commit as anything that changes the bits a run trains to (a formula, the
/// order of a sum, a new rounding) on either code path: entries made with another version are
/// never served. `KernelArithmeticTests` trains fixed runs and compares their bits with recorded
/// fingerprints, so a change of bits that leaves the version alone fails the tests.
public enum KernelArithmetic {
    public static let version = 1
}
