/// What one training step reports to the epoch loop.
struct StepResult {
    var loss: Float
    var correct: Int
    var finite: Bool
}
