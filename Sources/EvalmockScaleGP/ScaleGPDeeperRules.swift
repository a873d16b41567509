import EvalmockKit

/// What the Scale GP service checks beyond its published document.
///
/// The published request schemas type `test_case_evaluation_data` as a free-form object; the
/// service validates it as `ResultSchemaGeneration` or `ResultSchemaFlexible` (the document's
/// `TestCaseEvaluationData`, marked `x-evalmock-note`). The default mode validates with this
/// rule, so its 422 lists the union members' errors as pydantic does; `--lenient` accepts a body
/// that fails only this rule (the SDK suite sends `{"foo": "bar"}`) and completes the result.
enum ScaleGPDeeperRules {
    static func make(_ specification: OpenAPISpecification) -> SchemaRefinements {
        var rules = SchemaRefinements()
        guard let variants = specification.componentSchema("TestCaseEvaluationData") else { return rules }
        for model in ["TestCaseResultRequest", "PartialTestCaseResultRequest"] {
            if let published = specification.componentSchema(model)?.propertyIndex["test_case_evaluation_data"]?.schema {
                rules.refine(published, as: variants)
            }
        }
        return rules
    }
}
