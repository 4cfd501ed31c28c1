import Spectral

/// The symbol −kᵥᵀD(θ)kᵥ of the velocity diffusion in the mixed representation (θ real, v Fourier):
/// one value per velocity coefficient for constant noise, or per mixed coefficient (θ points outermost)
/// when D depends on θ. exp(τ·symbol) is the exact diffusion propagator over τ, pointwise.
enum DiffusionSymbol {
    static func values(grid: PhaseSpaceGrid, dynamics: LinearDynamics) -> [Double] {
        let d = grid.parameterDimension
        let vShape = grid.velocityAxes.enumerated().map { $0.offset == d - 1 ? $0.element.points / 2 + 1 : $0.element.points }
        let vIndices = FokkerPlanckOperator.multiIndices(vShape)
        // Second-derivative wavenumbers keep the Nyquist mode (k² is even); cross terms use the odd factors.
        let evenK: [[Double]] = (0..<d).map { axis in
            let k = axis == d - 1 ? grid.velocityAxes[axis].halfWavenumbers : grid.velocityAxes[axis].wavenumbers
            return vIndices.map { k[$0[axis]] }
        }
        let oddK: [[Double]] = (0..<d).map { axis in
            let k = grid.velocityAxes[axis].oddFactors(halved: axis == d - 1)
            return vIndices.map { k[$0[axis]] }
        }
        func symbol(_ dvv: [Double]) -> [Double] {
            vIndices.indices.map { j in
                var s = 0.0
                for p in 0..<d {
                    for q in 0..<d { s += p == q ? dvv[p * d + p] * evenK[p][j] * evenK[p][j] : dvv[p * d + q] * oddK[p][j] * oddK[q][j] }
                }
                return -s
            }
        }
        let origin = Array(dynamics.stationaryPoint[0..<d])
        if dynamics.hasConstantDiffusion { return symbol(dynamics.velocityDiffusion(origin)) }
        let thetaPoints = FokkerPlanckOperator.points(of: grid.parameterAxes)
        return thetaPoints.flatMap { x in symbol(dynamics.velocityDiffusion((0..<d).map { x[$0] + origin[$0] })) }
    }
}
