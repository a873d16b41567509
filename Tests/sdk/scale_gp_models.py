"""The Scale GP request models as the FastAPI service declares them, rebuilt from
openapi/scale-gp.json with pydantic v2: the oracle for evalmock's 422 answers.

Field order and class names follow the document (FastAPI names component schemas after the
classes and lists fields in declaration order), because both show in pydantic's errors.
Optional members are `X = None`, not `Optional[X]`: the document does not allow them to be null.
"""
from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Dict, List, Literal, Union

from pydantic import BaseModel, Field, TypeAdapter


class EvaluationORMStatusEnum(str, Enum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class AuditORMStatusEnum(str, Enum):
    UNAUDITED = "UNAUDITED"
    FIXED = "FIXED"
    APPROVED = "APPROVED"


class IdentifierTypeEnum(str, Enum):
    user = "user"
    service_account = "service_account"


class ChunkData(BaseModel):
    text: str
    metadata: Dict[str, Any] = None


class ChunkExtraInfoSchema(BaseModel):
    schema_type: Literal["CHUNKS"] = "CHUNKS"
    chunks: List[ChunkData]


class StringExtraInfoSchema(BaseModel):
    schema_type: Literal["STRING"] = "STRING"
    info: str


ExtraInfoSchema = Annotated[Union[ChunkExtraInfoSchema, StringExtraInfoSchema], Field(discriminator="schema_type")]


class ResultSchemaGeneration(BaseModel):
    generation_output: str
    generation_extra_info: ExtraInfoSchema = None


class FlexibleIOChunk(BaseModel):
    text: str
    metadata: Dict[str, Any] = None


class ImageUrlSubPart(BaseModel):
    url: str
    detail: Literal["low", "high", "auto"] = None


class ImageDataSubPart(BaseModel):
    type: Literal["base64"] = "base64"
    media_type: str
    data: str
    detail: Literal["low", "high", "auto"] = None


class TextUserMessageContentParts(BaseModel):
    type: Literal["text"] = "text"
    text: str


class ImageUrlUserMessageContentParts(BaseModel):
    type: Literal["image_url"] = "image_url"
    image_url: ImageUrlSubPart


class ImageDataUserMessageContentParts(BaseModel):
    type: Literal["image_data"] = "image_data"
    image_data: ImageDataSubPart


UserMessageContentParts = Annotated[
    Union[TextUserMessageContentParts, ImageUrlUserMessageContentParts, ImageDataUserMessageContentParts],
    Field(discriminator="type"),
]


class UserMessage(BaseModel):
    role: Literal["user"] = "user"
    content: Union[str, List[UserMessageContentParts]]


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class SystemMessage(BaseModel):
    role: Literal["system"] = "system"
    content: str


ChatMessageV2 = Annotated[Union[UserMessage, AssistantMessage, SystemMessage], Field(discriminator="role")]


class ExternalFile(BaseModel):
    uri: str
    file_type: Literal["image", "pdf"]


class InternalFile(BaseModel):
    file_id: str
    file_type: Literal["image", "pdf"]


FileIODataType = Union[ExternalFile, InternalFile]


class ResultSchemaFlexible(BaseModel):
    generation_output: Union[
        str,
        Dict[str, Union[str, int, float, List[FlexibleIOChunk], List[ChatMessageV2], List[Any], Dict[str, Any], FileIODataType, None]],
    ]
    generation_extra_info: ExtraInfoSchema = None


ResultValue = Union[str, int, bool, float, List[Union[str, int, float, bool]]]


class TestCaseResultRequest(BaseModel):
    __test__ = False
    label_status: EvaluationORMStatusEnum = None
    audit_status: AuditORMStatusEnum = None
    audit_required: bool = None
    audit_comment: str = None
    application_spec_id: str
    evaluation_dataset_version_num: str
    test_case_id: str
    test_case_evaluation_data: Union[ResultSchemaGeneration, ResultSchemaFlexible]
    result: Dict[str, ResultValue] = None
    time_spent_labeling_s: int = None
    account_id: str = None
    annotated_by_user_id: str = None
    annotated_by_identity_type: IdentifierTypeEnum = None
    edited_by_identity_type: IdentifierTypeEnum = None


class PartialTestCaseResultRequest(BaseModel):
    label_status: EvaluationORMStatusEnum = None
    audit_status: AuditORMStatusEnum = None
    audit_required: bool = None
    audit_comment: str = None
    application_spec_id: str = None
    evaluation_dataset_version_num: str = None
    test_case_id: str = None
    test_case_evaluation_data: Union[ResultSchemaGeneration, ResultSchemaFlexible] = None
    result: Dict[str, ResultValue] = None
    time_spent_labeling_s: int = None
    account_id: str = None
    annotated_by_user_id: str = None
    annotated_by_identity_type: IdentifierTypeEnum = None
    edited_by_identity_type: IdentifierTypeEnum = None


class TestCaseResultViews(str, Enum):
    __test__ = False
    AnnotationResults = "AnnotationResults"
    AuditTasks = "AuditTasks"
    CustomMetrics = "CustomMetrics"
    Metrics = "Metrics"
    Task = "Task"
    TestCaseVersion = "TestCaseVersion"
    Trace = "Trace"


BATCH = TypeAdapter(List[TestCaseResultRequest])
CREATE = TypeAdapter(TestCaseResultRequest)
PATCH = TypeAdapter(PartialTestCaseResultRequest)
VIEWS = TypeAdapter(List[TestCaseResultViews])


def errors(adapter: TypeAdapter, value: Any, where: tuple = ("body",)) -> list[dict]:
    """FastAPI's 422 `detail` for `value`: pydantic's errors under `where` (`body`, or
    `query` and the parameter's name)."""
    try:
        adapter.validate_python(value, from_attributes=True)
    except Exception as error:  # pydantic.ValidationError
        return [
            {**entry, "loc": [*where, *entry["loc"]], **({"ctx": {k: str(v) for k, v in entry["ctx"].items()}} if "ctx" in entry else {})}
            for entry in error.errors(include_url=False)
        ]
    return []


def batch_errors(body: Any) -> list[dict]:
    """FastAPI's 422 `detail` for a batch body."""
    return errors(BATCH, body)
