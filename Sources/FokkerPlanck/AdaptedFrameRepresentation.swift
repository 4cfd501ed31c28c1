import Foundation
import LangevinModel
import Spectral

/// A density kept in an adapted frame: the state is q(y) = det L · p(μ + L y) on `frameGrid`, drawn on the
/// axis-aligned `grid` by `drawing`, its moments, mass and errors computed in the frame (`frameView`).
/// Every scheme that runs in a frame (`AdaptedExactPropagator`, `AdaptedLawsonScheme`) stores its state so.
public protocol AdaptedFrameRepresentation: DensityRepresentation {
    var frame: Frame { get }
    var frameGrid: PhaseSpaceGrid { get }
    /// The map from the frame grid onto `grid`.
    var drawing: AffineSpectralMap { get }
}

extension AdaptedFrameRepresentation {
    public func makeState() -> AlignedBuffer { frameGrid.makeField() }

    /// Loads a density sampled on the axis-aligned grid (which must resolve it), through the inverse map.
    public func load(_ density: AlignedBuffer, into state: AlignedBuffer) {
        let n = frame.dimension
        let map = AffineSpectralMap(source: grid.axes, target: frameGrid.axes, effort: .estimate)
        map.apply(density, into: state, AffineSpread(linear: frame.inverseFactor, shift: frame.frameCoordinates(of: [Double](repeating: 0, count: n)),
                                                      spread: [Double](repeating: 0, count: n * n))!)
    }

    /// Loads a Gaussian mixture (uncentred coordinates, x* = `origin`) exactly, sampled in frame coordinates.
    public func load(_ mixture: GaussianMixture, origin: [Double], into state: AlignedBuffer) throws(InitialDensityError) {
        try mixture.sample(inFrame: frame, origin: origin, on: frameGrid, into: state.buffer)
    }

    public func density(of state: AlignedBuffer, into real: AlignedBuffer) {
        let n = frame.dimension
        drawing.apply(state, into: real, AffineSpread(linear: frame.factor, shift: frame.mean, spread: [Double](repeating: 0, count: n * n))!)
    }

    public func frameView(of state: AlignedBuffer) -> FrameView? { FrameView(frame: frame, grid: frameGrid, density: state) }

    public func mass(_ state: AlignedBuffer) -> Double { RealDensity.mass(state, grid: frameGrid) }

    /// Moves `state` from `frame` into `next` in place without changing the density it stands for (one
    /// affine map on the frame grid, `map`); the caller then takes `next` as its frame.
    func move(_ state: AlignedBuffer, to next: Frame, with map: AffineSpectralMap) throws(SimulationError) {
        let n = frame.dimension
        let (g, c) = frame.change(to: next, flow: Frame.identity(n).factor, shift: [Double](repeating: 0, count: n))
        guard let spread = AffineSpread(linear: g, shift: c, spread: [Double](repeating: 0, count: n * n)) else {
            throw .frameDegenerate(time: 0, reason: "the new frame is too far from the current one to move the density in one map.")
        }
        map.apply(state, into: state, spread)
    }
}

/// A state seen in its frame: the frame, its grid and q(y) = det L · p(μ + L y) there.
public struct FrameView {
    public let frame: Frame
    public let grid: PhaseSpaceGrid
    public let density: AlignedBuffer

    public init(frame: Frame, grid: PhaseSpaceGrid, density: AlignedBuffer) {
        self.frame = frame
        self.grid = grid
        self.density = density
    }

    /// Moments of the physical density in centred coordinates, computed on the frame grid: mean μ + L m_y,
    /// covariance L C_y Lᵀ. Boundary fractions are those of the frame box.
    public var moments: DensityMoments {
        physical(Quadrature.moments(of: UnsafeBufferPointer(density.buffer), on: grid))
    }

    /// Moments taken on the frame grid, as moments of the physical density (mean μ + L m_y, covariance L C_y Lᵀ).
    public func physical(_ inFrame: DensityMoments) -> DensityMoments {
        var m = inFrame
        let n = frame.dimension, l = Matrix(rows: n, cols: n, elements: frame.factor)
        m.mean = frame.point(atFrameCoordinates: m.mean)
        m.covariance = (l * Matrix(rows: n, cols: n, elements: m.covariance) * l.transposed).elements
        m.minimum /= frame.jacobian
        m.maximum /= frame.jacobian
        return m
    }
}

extension FrameView {
    /// The 2-D marginals of the density on the axis pairs of `output` (an axis-aligned grid centred on the
    /// same point as the frame's coordinates), keyed and laid out as `Quadrature.pairMarginals`: exact however
    /// coarse `output` is along the other axes (`FrameProjection`).
    public func pairMarginals(on output: PhaseSpaceGrid) -> [String: [Double]] {
        FrameProjection(frame: frame, frameGrid: grid, output: output).pairMarginals(density)
    }
}

extension GaussianMixture {
    /// The exact 2-D marginals on the axis pairs of `grid` (centred on `origin`), keyed and laid out as
    /// `Quadrature.pairMarginals`: each component's marginal is the Gaussian of its (a, b) block.
    public func pairMarginals(on grid: PhaseSpaceGrid, origin: [Double]) throws -> [String: [Double]] {
        let n = grid.axes.count
        var result: [String: [Double]] = [:]
        for a in 0..<n {
            for b in (a + 1)..<n {
                let plane = try PhaseSpaceGrid(parameterAxes: [grid.axes[a]], velocityAxes: [grid.axes[b]])
                let marginal = GaussianMixture(components: components.map { c in
                    Component(weight: c.weight, mean: [c.mean[a], c.mean[b]],
                              covariance: [c.covariance[a * n + a], c.covariance[a * n + b], c.covariance[b * n + a], c.covariance[b * n + b]])
                })
                let field = plane.makeField()
                try marginal.sample(on: plane, origin: [origin[a], origin[b]], into: field.buffer)
                result["\(grid.axes[a].name)_\(grid.axes[b].name)"] = field.values
            }
        }
        return result
    }


    /// The law sampled on `frameGrid`, a grid of the coordinates of `frame` (x − origin = μ + L y, x uncentred):
    /// the frame form |det L| p(origin + μ + L y).
    public func sample(inFrame frame: Frame, origin: [Double], on frameGrid: PhaseSpaceGrid, into field: UnsafeMutableBufferPointer<Double>) throws(InitialDensityError) {
        try inFrame(frame, origin: origin).sample(on: frameGrid, origin: [Double](repeating: 0, count: frame.dimension), into: field)
    }

    /// The same law in the coordinates y = L⁻¹(x − origin − μ) of `frame` (x uncentred).
    public func inFrame(_ frame: Frame, origin: [Double]) -> GaussianMixture {
        let n = frame.dimension
        return GaussianMixture(components: components.map { c in
            let mean = frame.frameCoordinates(of: (0..<n).map { c.mean[$0] - origin[$0] })
            return Component(weight: c.weight, mean: mean, covariance: frame.transformedCovariance(c.covariance))
        })
    }
}
