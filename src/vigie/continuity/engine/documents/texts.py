"""Fixed texts of the documents, in French and English, and the formatting of minutes and dates.

Written for the people who will read them during an outage: short sentences, what to do, who decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType

from .errors import InvalidInput
from .model import LANGUAGES, Language

__all__ = ["FORM_SPECS", "FormSpec", "check_language", "format_datetime", "format_date", "format_minutes", "label",
           "texts"]

_FR: dict[str, str] = {
    # common
    "data_as_of": "Données au",
    "generated_at": "Généré le",
    "page": "Page",
    "finess": "FINESS",
    "none": "Aucun",
    "not_set": "non défini",
    "yes": "oui",
    "no": "non",
    # PCRA
    "pcra_title": "Plan de continuité et de reprise d'activité",
    "pcra_short": "PCRA",
    "activity": "Activité",
    "establishment": "Établissement",
    "critical": "Activité critique",
    "staff": "Personnel nécessaire en mode dégradé",
    "category": "Catégorie",
    "owner": "Responsable",
    "sites": "Sites",
    "version": "Version",
    "approved_by": "Validé par",
    "reviewed_at": "Revu le",
    "s_context": "Contexte",
    "context_empty": "Description de l'activité à compléter.",
    "context_scope": ("Ce plan dit comment l'activité continue pendant une panne longue du système "
                      "d'information (cyberattaque, panne majeure) et dans quel ordre elle est reprise. "
                      "Il doit pouvoir être lu et appliqué sans ordinateur : gardez-en une copie papier à jour."),
    "s_objectives": "Objectifs de continuité et de reprise",
    "dmia": "DMIA",
    "dmia_long": "Durée maximale d'interruption admissible",
    "pdma": "PDMA",
    "pdma_long": "Perte de données maximale admissible",
    "rto": "RTO",
    "rto_long": "Délai de reprise visé",
    "rpo": "RPO",
    "rpo_long": "Perte de données visée",
    "predicted": "Reprise prévue par le plan de reprise",
    "predicted_ok": "dans la DMIA",
    "predicted_late": "au-delà de la DMIA",
    "predicted_gap": "dépassement de %s : prévoir le mode dégradé sur toute cette durée",
    "s_impacts": "Analyse d'impact",
    "impacts_intro": ("Niveau d'impact d'une interruption selon sa durée "
                      "(0 nul, 1 faible, 2 significatif, 3 grave, 4 critique)."),
    "window": "Durée d'interruption",
    "patient_safety": "Sécurité des patients",
    "continuity": "Continuité des soins",
    "legal": "Juridique",
    "financial": "Financier",
    "reputation": "Image",
    "impacts_empty": "Analyse d'impact non renseignée.",
    "s_impacts_interruption": "Impact d'une interruption (fonde la DMIA)",
    "s_impacts_data_loss": "Impact d'une perte de données (fonde la PDMA)",
    "data_loss_intro": ("Niveau d'impact de la perte des données saisies pendant la durée indiquée "
                        "(0 nul, 1 faible, 2 significatif, 3 grave, 4 critique)."),
    "data_window": "Données perdues sur",
    "s_dependencies": "Dépendances",
    "dependency": "Dépend de",
    "kind": "Nature",
    "notes": "Remarques",
    "dependencies_empty": "Aucune dépendance renseignée.",
    "s_procedures": "Procédures en mode dégradé",
    "procedures_empty": "Aucune procédure dégradée renseignée : à rédiger avec le service.",
    "trigger": "Quand",
    "triggered_by": "Qui déclenche",
    "steps": "Conduite à tenir",
    "forms": "Formulaires papier",
    "return_to_normal": "Retour à la normale",
    "s_contacts": "Contacts et astreintes",
    "name": "Nom",
    "role": "Rôle",
    "phone": "Téléphone",
    "phone_alt": "Autre numéro",
    "email": "Courriel",
    "on_call": "Astreinte",
    "availability": "Disponibilité",
    "organisation": "Service",
    "contacts_empty": "Aucun contact renseigné.",
    "on_call_list": "Liste d'astreinte",
    "s_runbook": "Ordre de reprise",
    "runbook_intro": ("Composants à remettre en service, dans l'ordre des dépendances : une étape ne "
                      "commence que lorsque celles dont elle dépend sont terminées. Heures comptées depuis "
                      "le début de la reprise."),
    "scenario": "Scénario",
    "computed_at": "Calculé le",
    "order": "N°",
    "component": "Composant",
    "action": "Action",
    "team": "Équipe",
    "start": "Début",
    "end": "Fin",
    "after": "Après",
    "gives_back": "Activités débloquées",
    "done": "Fait",
    "runbook_empty": ("Aucun ordre de reprise calculé : lancez un scénario de reprise dans Vigie, puis "
                      "régénérez ce document."),
    "runbook_nothing": "Le scénario « %s » ne touche rien de ce dont cette activité a besoin : rien à remettre en service.",
    "runbook_numbers": ("Les numéros sont ceux de l'ordre de reprise complet du scénario (kit de crise) : "
                        "seules les étapes dont cette activité a besoin sont listées ici."),
    "runbook_see": "Voir l'ordre de reprise du système d'information, étapes",
    "s_tests": "Historique des tests de restauration",
    "date": "Date",
    "scope": "Périmètre",
    "duration": "Durée mesurée",
    "data_loss": "Perte de données mesurée",
    "result": "Résultat",
    "validated_by": "Validé par",
    "success": "réussi",
    "failure": "échec",
    "within": "conforme",
    "over": "dépassé",
    "tests_empty": "Aucun test de restauration enregistré.",
    "vs_rto": "vs RTO",
    "vs_rpo": "vs RPO",
    # kit
    "kit_title": "Kit de crise hors ligne",
    "kit_intro": ("Ce kit fonctionne sans serveur ni réseau : ouvrez index.html depuis la clé USB ou imprimez "
                  "le classeur PDF. Il contient l'organisation de la cellule de crise, les contacts, les "
                  "procédures en mode dégradé, l'ordre de reprise et des formulaires vierges à imprimer."),
    "kit_stale": ("Vérifiez la date des données ci-dessus : un kit ancien peut contenir des numéros ou des "
                  "procédures qui ont changé."),
    "home": "Accueil",
    "contents": "Sommaire",
    "first_hour": "Dans la première heure",
    "first_hour_steps": ("Prévenir le directeur de garde et l'astreinte informatique.|"
                         "Activer la cellule de crise et ouvrir la main courante.|"
                         "Isoler ce qui doit l'être sur décision de la cellule (ne pas éteindre sans consigne).|"
                         "Déclencher les procédures dégradées des activités touchées.|"
                         "Déclarer l'incident (CERT Santé) et informer l'ARS."),
    "s_cell": "Cellule de crise",
    "cell_intro": "Qui compose la cellule, où elle se réunit et comment la joindre sans le système d'information.",
    "meeting_place": "Lieu de réunion",
    "backup_meeting_place": "Lieu de repli",
    "conference_bridge": "Pont téléphonique",
    "activation": "Activation",
    "members": "Membres",
    "s_directory": "Annuaire de crise",
    "directory_intro": "Numéros à appeler quand les téléphones IP ou l'annuaire informatique ne répondent plus.",
    "s_all_procedures": "Procédures en mode dégradé",
    "all_procedures_intro": "Toutes les procédures dégradées, par activité.",
    "activities": "Activités",
    "activity_sheet": "Fiche de l'activité",
    "s_kit_runbook": "Ordre de reprise du système d'information",
    "s_forms": "Formulaires vierges",
    "forms_intro": ("À imprimer à l'avance en plusieurs exemplaires et à ranger avec le kit. Remplissez à "
                    "l'encre, une ligne par événement, avec l'heure."),
    "print": "Imprimer",
    "s_verify": "Vérifier le kit",
    "verify_intro": ("Le fichier MANIFEST.sha256 contient l'empreinte SHA-256 de chaque fichier du kit. "
                     "Si une empreinte ne correspond plus, le fichier a été modifié : n'utilisez pas le kit "
                     "et demandez-en une copie sûre."),
    "verify_linux": "Sous Linux, dans le dossier du kit :",
    "verify_mac": "Sous macOS, dans le dossier du kit :",
    "verify_linux_ok": "Chaque ligne doit se terminer par « OK » (ou « Réussi »).",
    "verify_windows": "Sous Windows (PowerShell), pour un fichier :",
    "verify_windows_then": "puis comparez l'empreinte affichée à la ligne du fichier dans MANIFEST.sha256.",
    "verify_reference": ("Empreinte du manifeste à comparer avec celle communiquée par la direction "
                         "(elle change à chaque régénération du kit) :"),
    "verify_files": "Fichiers couverts",
    "binder": "Classeur PDF",
    "binder_intro": "Le même contenu en un seul fichier, prêt à imprimer.",
    "blank_rows": "lignes vierges",
    "signature": "Signature",
    "filled_by": "Rempli par",
    "sheet": "Feuille n°",
    "readme": ("KIT DE CRISE HORS LIGNE\n\n"
               "Ouvrez index.html dans un navigateur (double-clic) : aucun réseau n'est nécessaire.\n"
               "Le classeur PDF (classeur.pdf) contient le même contenu, prêt à imprimer.\n"
               "Pour vérifier que le kit n'a pas été modifié : voir verifier.html\n"
               "(sha256sum -c MANIFEST.sha256 dans ce dossier).\n"),
}

_EN: dict[str, str] = {
    "data_as_of": "Data as of",
    "generated_at": "Generated on",
    "page": "Page",
    "finess": "FINESS",
    "none": "None",
    "not_set": "not set",
    "yes": "yes",
    "no": "no",
    "pcra_title": "Business continuity and recovery plan",
    "pcra_short": "PCRA",
    "activity": "Activity",
    "establishment": "Establishment",
    "critical": "Critical activity",
    "staff": "Staff needed in degraded mode",
    "category": "Category",
    "owner": "Owner",
    "sites": "Sites",
    "version": "Version",
    "approved_by": "Approved by",
    "reviewed_at": "Reviewed on",
    "s_context": "Context",
    "context_empty": "Description of the activity still to be written.",
    "context_scope": ("This plan says how the activity keeps going during a long outage of the information "
                      "system (cyberattack, major failure) and in which order it is brought back. It must be "
                      "readable and usable without a computer: keep an up-to-date paper copy."),
    "s_objectives": "Continuity and recovery objectives",
    "dmia": "DMIA",
    "dmia_long": "Maximum tolerable interruption",
    "pdma": "PDMA",
    "pdma_long": "Maximum tolerable data loss",
    "rto": "RTO",
    "rto_long": "Recovery time objective",
    "rpo": "RPO",
    "rpo_long": "Recovery point objective",
    "predicted": "Recovery predicted by the recovery plan",
    "predicted_ok": "within the DMIA",
    "predicted_late": "beyond the DMIA",
    "predicted_gap": "%s over: plan for degraded mode for all that time",
    "s_impacts": "Impact analysis",
    "impacts_intro": ("Impact level of an interruption by its duration "
                      "(0 none, 1 low, 2 significant, 3 serious, 4 critical)."),
    "window": "Interruption",
    "patient_safety": "Patient safety",
    "continuity": "Continuity of care",
    "legal": "Legal",
    "financial": "Financial",
    "reputation": "Reputation",
    "impacts_empty": "No impact analysis yet.",
    "s_impacts_interruption": "Impact of an interruption (sets the DMIA)",
    "s_impacts_data_loss": "Impact of a data loss (sets the PDMA)",
    "data_loss_intro": ("Impact level of losing the data entered over the period shown "
                        "(0 none, 1 low, 2 significant, 3 serious, 4 critical)."),
    "data_window": "Data lost over",
    "s_dependencies": "Dependencies",
    "dependency": "Depends on",
    "kind": "Kind",
    "notes": "Notes",
    "dependencies_empty": "No dependency recorded.",
    "s_procedures": "Degraded-mode procedures",
    "procedures_empty": "No degraded-mode procedure yet: to be written with the service.",
    "trigger": "When",
    "triggered_by": "Who triggers it",
    "steps": "What to do",
    "forms": "Paper forms",
    "return_to_normal": "Back to normal",
    "s_contacts": "Contacts and on-call",
    "name": "Name",
    "role": "Role",
    "phone": "Phone",
    "phone_alt": "Other number",
    "email": "E-mail",
    "on_call": "On call",
    "availability": "Availability",
    "organisation": "Service",
    "contacts_empty": "No contact recorded.",
    "on_call_list": "On-call list",
    "s_runbook": "Recovery order",
    "runbook_intro": ("Components to bring back, in dependency order: a step starts only when the steps it "
                      "depends on are finished. Times counted from the start of the recovery."),
    "scenario": "Scenario",
    "computed_at": "Computed on",
    "order": "No.",
    "component": "Component",
    "action": "Action",
    "team": "Team",
    "start": "Start",
    "end": "End",
    "after": "After",
    "gives_back": "Activities unblocked",
    "done": "Done",
    "runbook_empty": "No recovery order computed yet: run a recovery scenario in Vigie, then generate this document again.",
    "runbook_nothing": "Scenario “%s” hits nothing this activity needs: nothing to bring back.",
    "runbook_numbers": ("Numbers are those of the scenario's full recovery order (crisis kit): only the steps "
                        "this activity needs are listed here."),
    "runbook_see": "See the information system recovery order, steps",
    "s_tests": "Restore-test history",
    "date": "Date",
    "scope": "Scope",
    "duration": "Measured duration",
    "data_loss": "Measured data loss",
    "result": "Result",
    "validated_by": "Validated by",
    "success": "passed",
    "failure": "failed",
    "within": "met",
    "over": "exceeded",
    "tests_empty": "No restore test recorded.",
    "vs_rto": "vs RTO",
    "vs_rpo": "vs RPO",
    "kit_title": "Offline crisis kit",
    "kit_intro": ("This kit works without any server or network: open index.html from the USB stick or print "
                  "the PDF binder. It holds the crisis cell organisation, the contacts, the degraded-mode "
                  "procedures, the recovery order and blank forms to print."),
    "kit_stale": "Check the data date above: an old kit may hold numbers or procedures that have changed.",
    "home": "Home",
    "contents": "Contents",
    "first_hour": "In the first hour",
    "first_hour_steps": ("Alert the director on duty and the IT on-call.|"
                         "Activate the crisis cell and open the crisis log.|"
                         "Isolate what must be isolated on the cell's decision (do not power off without instruction).|"
                         "Start the degraded-mode procedures of the affected activities.|"
                         "Report the incident (CERT Santé) and inform the ARS."),
    "s_cell": "Crisis cell",
    "cell_intro": "Who sits in the cell, where it meets and how to reach it without the information system.",
    "meeting_place": "Meeting place",
    "backup_meeting_place": "Fallback place",
    "conference_bridge": "Conference bridge",
    "activation": "Activation",
    "members": "Members",
    "s_directory": "Crisis directory",
    "directory_intro": "Numbers to call when the IP phones or the electronic directory no longer answer.",
    "s_all_procedures": "Degraded-mode procedures",
    "all_procedures_intro": "Every degraded-mode procedure, by activity.",
    "activities": "Activities",
    "activity_sheet": "Activity sheet",
    "s_kit_runbook": "Information system recovery order",
    "s_forms": "Blank forms",
    "forms_intro": ("Print several copies in advance and keep them with the kit. Fill in with ink, one line per "
                    "event, with the time."),
    "print": "Print",
    "s_verify": "Check the kit",
    "verify_intro": ("MANIFEST.sha256 holds the SHA-256 hash of every file of the kit. If a hash no longer "
                     "matches, the file was changed: do not use the kit and ask for a safe copy."),
    "verify_linux": "On Linux, in the kit folder:",
    "verify_mac": "On macOS, in the kit folder:",
    "verify_linux_ok": "Every line must end with \"OK\".",
    "verify_windows": "On Windows (PowerShell), for one file:",
    "verify_windows_then": "then compare the hash shown with the file's line in MANIFEST.sha256.",
    "verify_reference": ("Hash of the manifest, to compare with the one given by the management "
                         "(it changes each time the kit is rebuilt):"),
    "verify_files": "Files covered",
    "binder": "PDF binder",
    "binder_intro": "The same content in one file, ready to print.",
    "blank_rows": "blank rows",
    "signature": "Signature",
    "filled_by": "Filled in by",
    "sheet": "Sheet no.",
    "readme": ("OFFLINE CRISIS KIT\n\n"
               "Open index.html in a browser (double-click): no network is needed.\n"
               "The PDF binder (classeur.pdf) holds the same content, ready to print.\n"
               "To check that the kit was not changed: see verifier.html\n"
               "(sha256sum -c MANIFEST.sha256 in this folder).\n"),
}

_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "category": {
        "care": ("Service de soins à impact patient majeur", "Care service with major patient impact"),
        "administrative": ("Processus administratif critique", "Critical administrative process"),
        "technical": ("Plateau technique du parcours de soins", "Technical platform of the care pathway"),
    },
    "kind": {
        "application": ("Application", "Application"),
        "infrastructure": ("Infrastructure", "Infrastructure"),
        "supplier": ("Fournisseur ou SaaS", "Supplier or SaaS"),
        "staff": ("Personnel", "Staff"),
    },
    "impact": {
        "0": ("nul", "none"), "1": ("faible", "low"), "2": ("significatif", "significant"),
        "3": ("grave", "serious"), "4": ("critique", "critical"),
    },
}


class FormSpec:
    """A blank paper form: title, purpose, the header fields to fill once, and the columns of its rows."""

    __slots__ = ("code", "columns", "fields", "purpose", "rows", "title", "widths")

    def __init__(self, code: str, title: str, purpose: str, fields: tuple[str, ...],
                 columns: tuple[str, ...], widths: tuple[int, ...], rows: int) -> None:
        self.code = code
        self.title = title
        self.purpose = purpose
        self.fields = fields
        self.columns = columns
        self.widths = widths  # relative column widths, in percent
        self.rows = rows


def _forms(fr: bool) -> tuple[FormSpec, ...]:
    def t(french: str, english: str) -> str:
        return french if fr else english

    return (
        FormSpec("main-courante", t("Main courante de la cellule de crise", "Crisis cell log"),
                 t("Tout ce qui arrive, tout ce qui est dit et fait, dans l'ordre, avec l'heure. "
                   "Une personne désignée la tient en continu.",
                   "Everything that happens, is said or done, in order, with the time. One designated "
                   "person keeps it at all times."),
                 (t("Tenue par", "Kept by"), t("Date", "Date"), t("Feuille n°", "Sheet no.")),
                 (t("Heure", "Time"), t("De / à", "From / to"), t("Information, événement, action", "Information, event, action"),
                  t("Suite donnée", "Follow-up"), t("Initiales", "Initials")),
                 (9, 16, 45, 20, 10), 22),
        FormSpec("journal-decisions", t("Relevé des décisions", "Decisions log"),
                 t("Chaque décision de la cellule : qui l'a prise, qui l'exécute, pour quand. "
                   "Relu à chaque point de situation.",
                   "Every decision of the cell: who took it, who carries it out, by when. Read again at "
                   "each situation update."),
                 (t("Directeur de crise", "Crisis director"), t("Date", "Date"), t("Feuille n°", "Sheet no.")),
                 (t("N°", "No."), t("Heure", "Time"), t("Décision", "Decision"), t("Décidée par", "Decided by"),
                  t("Confiée à", "Assigned to"), t("Échéance", "Due"), t("Faite", "Done")),
                 (5, 8, 37, 14, 14, 12, 10), 18),
        FormSpec("suivi-patients", t("Suivi des patients en mode dégradé", "Patient tracking during downtime"),
                 t("Une ligne par patient présent ou admis pendant la panne, pour ressaisir le dossier "
                   "au retour du système. Aucun diagnostic sur cette feuille : elle reste à l'accueil du service.",
                   "One line per patient present or admitted during the outage, to re-enter the record "
                   "when the system is back. No diagnosis on this sheet: it stays at the service's front desk."),
                 (t("Service", "Service"), t("Date", "Date"), t("Feuille n°", "Sheet no.")),
                 (t("Heure arrivée", "Arrival time"), t("Nom, prénom", "Surname, first name"),
                  t("Né(e) le", "Born"), t("N° provisoire", "Temporary no."), t("Lit / box", "Bed / bay"),
                  t("Médecin", "Doctor"), t("Sortie / transfert", "Discharge / transfer"),
                  t("Ressaisi", "Re-entered")),
                 (9, 22, 10, 12, 8, 14, 15, 10), 20),
        FormSpec("demande-laboratoire", t("Demande d'examens de laboratoire", "Laboratory request"),
                 t("Bon papier accompagnant le prélèvement quand la prescription connectée est indisponible. "
                   "Le résultat revient sur ce même bon.",
                   "Paper slip that goes with the sample when electronic ordering is down. The result comes "
                   "back on this slip."),
                 (t("Patient (nom, prénom, né le)", "Patient (name, born)"), t("N° provisoire", "Temporary no."),
                  t("Service, lit", "Service, bed"), t("Prescripteur", "Prescriber"),
                  t("Date et heure de prélèvement", "Sampling date and time"), t("Préleveur", "Sampled by")),
                 (t("Examen demandé", "Test requested"), t("Tube", "Tube"), t("Urgent", "Urgent"),
                  t("Résultat", "Result"), t("Unité", "Unit"), t("Validé par", "Validated by")),
                 (30, 10, 9, 21, 10, 20), 12),
        FormSpec("demande-imagerie", t("Demande d'examen d'imagerie", "Imaging request"),
                 t("Bon papier pour l'imagerie quand le RIS ou le PACS est indisponible. Le compte rendu est "
                   "rédigé à la main et remis au service.",
                   "Paper slip for imaging when the RIS or the PACS is down. The report is written by hand "
                   "and handed to the service."),
                 (t("Patient (nom, prénom, né le)", "Patient (name, born)"), t("N° provisoire", "Temporary no."),
                  t("Service, lit", "Service, bed"), t("Prescripteur", "Prescriber"),
                  t("Renseignements cliniques", "Clinical information"),
                  t("Allergie, grossesse, insuffisance rénale", "Allergy, pregnancy, renal failure"),
                  t("Transport", "Transport")),
                 (t("Examen", "Examination"), t("Côté", "Side"), t("Urgent", "Urgent"), t("Réalisé le", "Done on"),
                  t("Manipulateur", "Radiographer"), t("Compte rendu remis", "Report handed over")),
                 (28, 8, 9, 15, 20, 20), 6),
        FormSpec("annuaire-papier", t("Annuaire à compléter", "Directory to fill in"),
                 t("Numéros recueillis pendant la crise (fournisseurs, renforts, autorités) : à recopier "
                   "ensuite dans l'annuaire de crise.",
                   "Numbers gathered during the crisis (suppliers, reinforcements, authorities): copy them "
                   "into the crisis directory afterwards."),
                 (t("Tenu par", "Kept by"), t("Date", "Date")),
                 (t("Nom", "Name"), t("Organisme, rôle", "Organisation, role"), t("Téléphone", "Phone"),
                  t("Autre moyen", "Other means"), t("Remarques", "Notes")),
                 (22, 26, 16, 16, 20), 22),
    )


_TEXTS: dict[str, Mapping[str, str]] = {"fr": MappingProxyType(_FR), "en": MappingProxyType(_EN)}
FORM_SPECS: dict[str, dict[str, FormSpec]] = {
    "fr": {f.code: f for f in _forms(True)}, "en": {f.code: f for f in _forms(False)},
}


def check_language(language: str) -> Language:
    """``language`` if it is supported, else InvalidInput."""
    for known in LANGUAGES:
        if language == known:
            return known
    raise InvalidInput("language", f"unknown language {language!r} (expected one of {', '.join(LANGUAGES)})")


def texts(language: str) -> Mapping[str, str]:
    """The fixed texts of the documents, by key, in ``language``."""
    return _TEXTS[check_language(language)]


def label(family: str, code: str, language: str) -> str:
    """The printed label of a code (category, dependency kind, impact level); unknown codes as given."""
    pair = _LABELS[family].get(code)
    if pair is None:
        return code
    return pair[0] if check_language(language) == "fr" else pair[1]


def format_minutes(minutes: int | None, language: str, *, none: str = "—") -> str:
    """45 min, 4 h, 1 h 30, 2 j / 2 d, 1 sem. / 1 wk; ``none`` for None."""
    if minutes is None:
        return none
    fr = check_language(language) == "fr"
    if minutes < 60:
        return f"{minutes} min"
    week, day = 7 * 24 * 60, 24 * 60
    if minutes % week == 0:
        return f"{minutes // week} {'sem.' if fr else 'wk'}"
    if minutes % day == 0:
        return f"{minutes // day} {'j' if fr else 'd'}"
    hours, rest = divmod(minutes, 60)
    if hours >= 48 and rest == 0:
        days, hours = divmod(hours, 24)
        return f"{days} {'j' if fr else 'd'} {hours} h"
    return f"{hours} h" if rest == 0 else f"{hours} h {rest:02d}"


def format_datetime(value: datetime | None, language: str) -> str:
    """03/12/2026 10:30 (fr) or 2026-12-03 10:30 (en); "" for None."""
    if value is None:
        return ""
    if check_language(language) == "fr":
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%Y-%m-%d %H:%M")


def format_date(value: datetime | None, language: str) -> str:
    """03/12/2026 (fr) or 2026-12-03 (en); "" for None."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y" if check_language(language) == "fr" else "%Y-%m-%d")
