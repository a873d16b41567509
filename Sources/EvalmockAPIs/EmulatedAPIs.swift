import EvalmockKit
import EvalmockScaleGP
import EvalmockScorecardV1
import EvalmockScorecardV2
import EvalmockWeave

/// The emulated APIs, each its own target on the core (`EvalmockKit`). Adding an API is its
/// document in `openapi/`, its target folder, and one line here (README "Adding an API").
/// The order is the order of their migrations, and the first API answers paths no API owns.
public enum EmulatedAPIs {
    public static let all: [APIRegistration] = [
        ScorecardV2API.registration,
        ScorecardV1API.registration,
        WeaveAPI.registration,
        ScaleGPAPI.registration,
    ]
}
