/// An explicit Runge–Kutta method, optionally with an embedded lower-order solution for error control.
public struct ButcherTableau: Sendable {
    public let name: String
    public let nodes: [Double]          // c
    public let coefficients: [[Double]] // a, strictly lower triangular, row i has i entries
    public let weights: [Double]        // b
    public let embeddedWeights: [Double]? // b̂
    public let order: Int
    public let embeddedOrder: Int?
    /// First-same-as-last: the last stage is evaluated at the new solution, so it starts the next step.
    public let isFSAL: Bool

    public var stages: Int { nodes.count }
    public var isAdaptive: Bool { embeddedWeights != nil }

    /// Dormand–Prince 5(4), FSAL.
    public static let dormandPrince54 = ButcherTableau(
        name: "dp54",
        nodes: [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1],
        coefficients: [
            [],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [44.0 / 45, -56.0 / 15, 32.0 / 9],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
            [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
        ],
        weights: [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0],
        embeddedWeights: [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40],
        order: 5, embeddedOrder: 4, isFSAL: true)

    /// Bogacki–Shampine 3(2), FSAL.
    public static let bogackiShampine32 = ButcherTableau(
        name: "bs32",
        nodes: [0, 1.0 / 2, 3.0 / 4, 1],
        coefficients: [[], [1.0 / 2], [0, 3.0 / 4], [2.0 / 9, 1.0 / 3, 4.0 / 9]],
        weights: [2.0 / 9, 1.0 / 3, 4.0 / 9, 0],
        embeddedWeights: [7.0 / 24, 1.0 / 4, 1.0 / 3, 1.0 / 8],
        order: 3, embeddedOrder: 2, isFSAL: true)

    /// The classical fourth-order method, fixed step.
    public static let classicalRK4 = ButcherTableau(
        name: "rk4",
        nodes: [0, 0.5, 0.5, 1],
        coefficients: [[], [0.5], [0, 0.5], [0, 0, 1]],
        weights: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6],
        embeddedWeights: nil, order: 4, embeddedOrder: nil, isFSAL: false)
}
