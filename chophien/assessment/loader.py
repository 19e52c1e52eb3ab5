"""Reads content/assessments/: the scoring models, then each survey folder with its data; every Problem collected.

A survey is a folder content/assessments/<slug>/ holding survey.yaml and exactly one of
responses.csv (microdata, chophien.assessment.responses) or published.yaml (figures copied from
a publication, chophien.assessment.published_figures); scoring models are
content/assessments/models/*.yaml (chophien.assessment.scoring_models).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from chophien.assessment.files import AssessmentFiles
from chophien.assessment.model import Assessments, Response, ScoringModel, Survey
from chophien.assessment.published_figures import load_published
from chophien.assessment.responses import load_responses
from chophien.assessment.schema import SURVEY_FIELDS
from chophien.assessment.scoring_models import load_model
from chophien.assessment.suppression import DEFAULT_THRESHOLD
from chophien.catalogue.schema import CheckContext
from chophien.core.problems import WARNING, ProblemList
from chophien.core.text import did_you_mean, hint

# Folder names that are not surveys / URLs in use (tu-danh-gia: the self-assessment, site/self_assessment.py).
RESERVED = {"models", "phuong-phap", "so-sanh", "tu-danh-gia"}
SURVEY_FILES = {"survey.yaml", "responses.csv", "published.yaml", "README.md"}


class AssessmentLoader:
    def __init__(self, content_dir: Path, problems: ProblemList, cooperatives: dict):
        self.files = AssessmentFiles(content_dir, problems)
        self.root = self.files.content / "assessments"
        self.cooperatives = cooperatives  # slug → Cooperative (those that loaded)
        folder = self.files.content / "cooperatives"
        self.cooperative_slugs = (
            {p.stem for p in folder.iterdir() if p.suffix.lower() == ".md"} if folder.is_dir() else set()
        )

    @property
    def files_checked(self) -> int:
        return self.files.files_checked

    def load(self) -> Assessments:
        assessments = Assessments()
        if not self.root.is_dir():
            return assessments
        models_dir = self.root / "models"
        assessments.models.update(self._load_models(models_dir))
        model_files = {p.stem for p in models_dir.glob("*.yaml")} if models_dir.is_dir() else set()
        for entry in sorted(self.root.iterdir()):
            if entry.name in ("models", "README.md"):
                continue
            if not self._is_survey_folder(entry):
                continue
            slug = self.files.slug_of(entry, "thư mục", "folder")  # None: reported, the folder still checked
            if self._reserved(entry, slug):
                continue
            survey = self.load_survey(entry, slug, assessments.models, model_files)
            if survey is not None:
                assessments.surveys.append(survey)
        assessments.surveys.sort(key=lambda s: (-s.year, s.slug))
        return assessments

    def _load_models(self, models_dir: Path) -> dict[str, ScoringModel]:
        models = {}
        if not models_dir.is_dir():
            return models
        for path in sorted(models_dir.iterdir()):
            if path.is_file() and path.suffix == ".yaml":
                model = load_model(self.files, path)
                if model is not None:
                    models[model.slug] = model
            elif path.name != "README.md":
                self.files.error(
                    path,
                    "thư mục models/ chỉ chứa các tệp bộ tiêu chí .yaml",
                    "the models/ folder holds only .yaml scoring models",
                )
        return models

    def _is_survey_folder(self, entry: Path) -> bool:
        if not entry.is_dir():
            self.files.error(
                entry,
                "mỗi cuộc khảo sát là một thư mục content/assessments/<ten-khao-sat>/ có survey.yaml",
                "each survey is a folder content/assessments/<survey>/ holding survey.yaml",
            )
        return entry.is_dir()

    def _reserved(self, entry: Path, slug: str | None) -> bool:
        """A survey's URL must not be one of the assessment pages' own (reported)."""
        if slug in RESERVED:
            self.files.error(
                entry,
                f"tên “{slug}” đã dùng cho trang khác; hãy đặt tên khác",
                f"the name “{slug}” is taken by another page; choose another",
                f"khao-sat-{slug}",
            )
            return True
        return False

    # --- one survey --------------------------------------------------------------------------

    def load_survey(self, folder: Path, slug: str | None, models: dict, model_files: set) -> Survey | None:
        names = {p.name for p in folder.iterdir()}
        if not self._check_folder(folder, names):
            return None
        has_csv, has_published = "responses.csv" in names, "published.yaml" in names
        values, ctx = self.files.read_yaml(folder / "survey.yaml", SURVEY_FIELDS)
        if values is None:
            return None
        model = self._model_of(values, ctx, models, model_files)
        if model is None or slug is None or has_csv == has_published:
            return None
        survey = self._survey(values, slug, model, folder, names)
        if has_published:
            published = load_published(self.files, folder / "published.yaml", model)
            return None if published is None else replace(survey, published=published)
        responses = load_responses(
            self.files, folder / "responses.csv", survey, self.cooperatives, self.cooperative_slugs
        )
        if responses is None or not self._responses_agree(survey, responses, ctx):
            return None
        return replace(survey, responses=responses)

    def _check_folder(self, folder: Path, names: set[str]) -> bool:
        """Only the survey's files, survey.yaml among them (else False), and exactly one data file (reported)."""
        for name in sorted(names - SURVEY_FILES):
            self.files.error(
                folder / name,
                "tệp lạ trong thư mục khảo sát: chỉ có survey.yaml và responses.csv hoặc published.yaml "
                "(không để phiếu gốc, danh sách tên hay số điện thoại ở đây)",
                "unexpected file in a survey folder: only survey.yaml and responses.csv or published.yaml "
                "(keep original forms, names and phone numbers out of it)",
            )
        if "survey.yaml" not in names:
            self.files.error(
                folder / "survey.yaml",
                "thiếu tệp survey.yaml của cuộc khảo sát",
                "the survey's survey.yaml is missing",
            )
            return False
        if ("responses.csv" in names) == ("published.yaml" in names):
            self.files.error(
                folder,
                "cần đúng một trong hai tệp: responses.csv (phiếu trả lời) hoặc published.yaml (số liệu đã công bố)",
                "exactly one of responses.csv (responses) or published.yaml (published figures) is needed",
            )
        return True

    def _model_of(
        self, values: dict, ctx: CheckContext, models: dict, model_files: set
    ) -> ScoringModel | None:
        model = models.get(values["model"])
        if (
            model is None and values["model"] not in model_files
        ):  # a model with its own errors is reported there
            guess = did_you_mean(values["model"], sorted(model_files))
            hint_vi, hint_en = hint(guess)
            ctx.report(
                ("model",),
                f"không có bộ tiêu chí content/assessments/models/{values['model']}.yaml{hint_vi}",
                f"there is no scoring model content/assessments/models/{values['model']}.yaml{hint_en}",
                f"model: {guess or 'dbi-2021'}",
            )
        return model

    def _survey(self, values: dict, slug: str, model: ScoringModel, folder: Path, names: set[str]) -> Survey:
        consent = values.get("consent", {})
        return Survey(
            slug=slug,
            title=values["title"],
            title_en=values.get("title_en", ""),
            organiser=values["organiser"],
            period=values["period"],
            year=values["year"],
            method=values["method"],
            sample_size=values["sample_size"],
            model=model,
            source=values["source"],
            source_url=values.get("source_url", ""),
            sample_data=values.get("sample_data", False),
            summary=values.get("summary", ""),
            own_results=consent.get("own_results", False),
            consent_statement=consent.get("statement", ""),
            threshold=values.get("privacy", {}).get("threshold", DEFAULT_THRESHOLD),
            files=tuple(self.files.display(folder / n) for n in sorted(names & SURVEY_FILES)),
            organiser_en=values.get("organiser_en", ""),
            method_en=values.get("method_en", ""),
            summary_en=values.get("summary_en", ""),
            consent_statement_en=consent.get("statement_en", ""),
        )

    def _responses_agree(self, survey: Survey, responses: tuple[Response, ...], ctx: CheckContext) -> bool:
        """sample_size is the number of rows (else an error); consent given where the survey allows none: a warning."""
        if len(responses) != survey.sample_size:
            ctx.report(
                ("sample_size",),
                f"sample_size là {survey.sample_size} nhưng responses.csv có {len(responses)} dòng trả lời",
                f"sample_size is {survey.sample_size} but responses.csv has {len(responses)} response rows",
                f"sample_size: {len(responses)}",
            )
            return False
        if not survey.own_results and any(r.consent and r.cooperative for r in responses):
            ctx.report(
                ("consent",),
                "có hợp tác xã ghi consent: yes nhưng consent.own_results là no: kết quả riêng sẽ không hiện",
                "some cooperatives say consent: yes but consent.own_results is no: own results stay hidden",
                "consent:\n  own_results: yes",
                severity=WARNING,
            )
        return True


def load_assessments(content_dir, problems: ProblemList, cooperatives: dict) -> tuple[Assessments, int]:
    """Load content/assessments/ (if any); problems are added to *problems*; returns the files checked."""
    loader = AssessmentLoader(Path(content_dir), problems, cooperatives)
    assessments = loader.load()
    return assessments, loader.files_checked
