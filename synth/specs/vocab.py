"""Domain vocabulary for procedural tools: the things each domain manages and their fields.

One line per noun: ``(singular, plural, "field:kind field:kind ...")``. Kinds: id str text int
num money bool date datetime email url cur (ISO currency) pct (0-100) enum(a|b|c).
Field names double as parameter names, so they are snake_case nouns a real API would use.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # one of the kinds above; enums keep their values in ``choices``
    choices: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        return self.name.replace("_", " ")


@dataclass(frozen=True)
class Noun:
    singular: str
    plural: str
    fields: tuple[Field, ...]

    @property
    def words(self) -> str:
        return self.singular.replace("_", " ")

    @property
    def plural_words(self) -> str:
        return self.plural.replace("_", " ")


def _fields(spec: str) -> tuple[Field, ...]:
    out = []
    for token in spec.split():
        name, kind = token.split(":", 1)
        if kind.startswith("enum("):
            out.append(Field(name, "enum", tuple(kind[5:-1].split("|"))))
        else:
            out.append(Field(name, kind))
    return tuple(out)


_RAW: dict[str, list[tuple[str, str, str]]] = {
    "weather": [
        ("station", "stations", "station_code:id elevation_m:num region:str active:bool installed_on:date sensor_kind:enum(automatic|manual|buoy)"),
        ("storm_report", "storm_reports", "report_code:id hazard:enum(hail|tornado|flood|gale|ice) observed_at:datetime county:str damage_level:enum(none|light|heavy) verified:bool"),
        ("forecast_zone", "forecast_zones", "zone_code:id region:str population:int coastal:bool risk_tier:enum(low|moderate|high)"),
        ("sensor_calibration", "sensor_calibrations", "calibration_ref:id station_code:str performed_on:date drift_pct:pct technician:str passed:bool"),
    ],
    "finance": [
        ("invoice", "invoices", "invoice_number:id customer_name:str amount:money currency:cur due_date:date status:enum(draft|sent|paid|overdue|void)"),
        ("budget_line", "budget_lines", "line_code:id cost_centre:str planned:money actual:money fiscal_year:int owner_email:email"),
        ("ledger_entry", "ledger_entries", "entry_ref:id account_code:str debit:money credit:money posted_on:date memo:text"),
        ("vendor", "vendors", "vendor_code:id legal_name:str country_code:str payment_terms:enum(net15|net30|net60|prepaid) tax_id:str preferred:bool"),
        ("expense_report", "expense_reports", "report_ref:id submitter_email:email total:money currency:cur submitted_on:date state:enum(open|submitted|approved|rejected|reimbursed)"),
    ],
    "travel": [
        ("tour_package", "tour_packages", "package_code:id destination:str nights:int price:money departure_date:date board:enum(room_only|breakfast|half_board|all_inclusive)"),
        ("boarding_pass", "boarding_passes", "pass_ref:id passenger_name:str seat:str gate:str boarding_time:datetime priority_group:int"),
        ("cruise_cabin", "cruise_cabins", "cabin_code:id deck:int category:enum(inside|oceanview|balcony|suite) berths:int nightly_price:money"),
        ("travel_voucher", "travel_vouchers", "voucher_code:id holder_email:email value:money currency:cur expires_on:date redeemed:bool"),
    ],
    "calendar": [
        ("room_booking", "room_bookings", "booking_ref:id room_name:str starts_at:datetime ends_at:datetime organiser_email:email headcount:int"),
        ("shift_slot", "shift_slots", "slot_ref:id team:str starts_at:datetime hours:num role:enum(lead|staff|trainee) filled:bool"),
        ("deadline", "deadlines", "deadline_ref:id title:str due_at:datetime owner_email:email importance:enum(low|normal|high|critical)"),
        ("availability_window", "availability_windows", "window_ref:id person_email:email weekday:enum(mon|tue|wed|thu|fri|sat|sun) from_time:str to_time:str"),
    ],
    "ecommerce": [
        ("coupon", "coupons", "coupon_code:id discount_pct:pct min_basket:money valid_until:date single_use:bool channel:enum(web|app|store)"),
        ("storefront_banner", "storefront_banners", "banner_ref:id headline:str target_url:url starts_on:date ends_on:date placement:enum(home|category|checkout)"),
        ("supplier_listing", "supplier_listings", "listing_ref:id sku:str supplier_name:str unit_cost:money lead_days:int active:bool"),
        ("loyalty_member", "loyalty_members", "member_number:id email:email tier:enum(bronze|silver|gold|platinum) points:int joined_on:date"),
        ("bundle_offer", "bundle_offers", "bundle_code:id title:str item_count:int bundle_price:money currency:cur visible:bool"),
    ],
    "messaging": [
        ("broadcast_list", "broadcast_lists", "list_ref:id title:str subscriber_count:int opt_in_required:bool owner_email:email"),
        ("message_template", "message_templates", "template_key:id channel:enum(email|sms|push|chat) language:str subject_line:str approved:bool"),
        ("chat_room", "chat_rooms", "room_ref:id topic:str member_count:int archived:bool retention_days:int"),
        ("support_conversation", "support_conversations", "conversation_ref:id customer_email:email priority:enum(low|normal|urgent) opened_at:datetime assignee:str resolved:bool"),
    ],
    "files": [
        ("shared_folder", "shared_folders", "folder_ref:id display_name:str owner_email:email quota_gb:num access:enum(view|comment|edit)"),
        ("document_version", "document_versions", "version_ref:id document_title:str author_email:email saved_at:datetime size_kb:int label:str"),
        ("backup_snapshot", "backup_snapshots", "snapshot_ref:id volume:str taken_at:datetime size_gb:num retention:enum(daily|weekly|monthly|yearly) verified:bool"),
        ("upload_batch", "upload_batches", "batch_ref:id uploader_email:email file_count:int total_mb:num finished:bool"),
    ],
    "math": [
        ("dataset_column", "dataset_columns", "column_name:id dataset:str dtype:enum(integer|float|category|text|date) missing_pct:pct unique_values:int"),
        ("equation_set", "equation_sets", "set_ref:id variable_count:int equation_count:int linear:bool solver:enum(exact|numeric|symbolic)"),
        ("probability_model", "probability_models", "model_ref:id distribution:enum(normal|binomial|poisson|uniform|exponential) mean:num variance:num sample_size:int"),
        ("number_sequence", "number_sequences", "sequence_ref:id first_term:num common_step:num term_count:int kind:enum(arithmetic|geometric|recursive)"),
    ],
    "units": [
        ("measurement_log", "measurement_logs", "log_ref:id quantity:enum(length|mass|volume|temperature|pressure) unit_symbol:str value:num recorded_at:datetime"),
        ("conversion_profile", "conversion_profiles", "profile_ref:id source_system:enum(metric|imperial|us_customary) target_system:enum(metric|imperial|us_customary) precision:int"),
        ("calibration_standard", "calibration_standards", "standard_ref:id quantity:str nominal_value:num tolerance_pct:pct certified_on:date"),
    ],
    "dates": [
        ("recurring_reminder", "recurring_reminders", "reminder_ref:id label:str cadence:enum(daily|weekly|monthly|yearly) next_fire:datetime timezone_name:str enabled:bool"),
        ("business_calendar", "business_calendars", "calendar_code:id country_code:str weekend_days:int holiday_count:int fiscal_start_month:int"),
        ("countdown", "countdowns", "countdown_ref:id title:str target_date:date show_seconds:bool style:enum(minimal|banner|widget)"),
    ],
    "strings": [
        ("text_snippet", "text_snippets", "snippet_ref:id title:str body:text language:str char_count:int pinned:bool"),
        ("glossary_term", "glossary_terms", "term:id definition:text domain_area:str approved:bool synonyms_count:int"),
        ("translation_job", "translation_jobs", "job_ref:id source_language:str target_language:str word_count:int status:enum(queued|in_progress|review|done) due_date:date"),
        ("redaction_rule", "redaction_rules", "rule_ref:id pattern_name:str replacement:str case_sensitive:bool applies_to:enum(email|chat|documents|all)"),
    ],
    "geography": [
        ("survey_site", "survey_sites", "site_code:id region:str latitude:num longitude:num elevation_m:num terrain:enum(coastal|forest|urban|desert|alpine)"),
        ("map_layer", "map_layers", "layer_ref:id title:str source_url:url feature_count:int visible:bool geometry:enum(point|line|polygon|raster)"),
        ("boundary_region", "boundary_regions", "region_code:id name:str admin_level:int area_km2:num population:int"),
        ("landmark", "landmarks", "landmark_ref:id name:str city:str built_year:int heritage_listed:bool category:enum(monument|bridge|tower|park|temple|castle)"),
    ],
    "health": [
        ("care_plan", "care_plans", "plan_ref:id patient_ref:str condition:str start_date:date review_date:date intensity:enum(low|medium|high)"),
        ("lab_result", "lab_results", "result_ref:id test_code:str value:num unit_symbol:str collected_at:datetime flagged:bool"),
        ("therapy_session", "therapy_sessions", "session_ref:id therapist:str scheduled_at:datetime minutes:int modality:enum(in_person|video|phone) attended:bool"),
        ("fitness_challenge", "fitness_challenges", "challenge_ref:id title:str metric:enum(steps|distance|minutes|calories) goal:num ends_on:date participants:int"),
    ],
    "sports": [
        ("training_session", "training_sessions", "session_ref:id squad:str scheduled_at:datetime focus:enum(fitness|tactics|set_pieces|recovery) attendance:int"),
        ("referee_assignment", "referee_assignments", "assignment_ref:id official_name:str fixture_ref:str role:enum(referee|assistant|fourth|var) confirmed:bool"),
        ("club_membership", "club_memberships", "membership_number:id holder_name:str tier:enum(junior|adult|senior|family) renews_on:date fee:money"),
        ("scouting_report", "scouting_reports", "report_ref:id player_name:str position:str rating:int written_on:date recommendation:enum(sign|monitor|pass)"),
    ],
    "media": [
        ("episode_draft", "episode_drafts", "draft_ref:id series:str title:str duration_min:int language:str published:bool"),
        ("artwork_asset", "artwork_assets", "asset_ref:id title:str width_px:int height_px:int license:enum(owned|licensed|creative_commons|editorial) credit:str"),
        ("subtitle_track", "subtitle_tracks", "track_ref:id language:str line_count:int forced:bool format:enum(srt|vtt|ttml)"),
        ("review_article", "review_articles", "article_ref:id title:str critic:str score:int published_on:date section:enum(film|music|books|games|tv)"),
    ],
    "devices": [
        ("firmware_release", "firmware_releases", "release_tag:id device_model:str size_mb:num released_on:date channel:enum(stable|beta|nightly) mandatory:bool"),
        ("sensor_node", "sensor_nodes", "node_ref:id site:str battery_pct:pct last_seen:datetime signal_dbm:int online:bool"),
        ("charging_session", "charging_sessions", "session_ref:id charger_ref:str energy_kwh:num started_at:datetime cost:money connector:enum(type2|ccs|chademo|schuko)"),
        ("printer_queue", "printer_queues", "queue_ref:id printer_name:str pending_jobs:int paper_level_pct:pct color:bool"),
    ],
    "devtools": [
        ("build_artifact", "build_artifacts", "artifact_ref:id pipeline:str size_mb:num created_at:datetime retention_days:int signed:bool"),
        ("api_key", "api_keys", "key_ref:id owner_email:email scope:enum(read|write|admin) created_on:date expires_on:date revoked:bool"),
        ("test_suite", "test_suites", "suite_ref:id repository_path:str test_count:int flaky_pct:pct runner:enum(unit|integration|e2e|load)"),
        ("incident", "incidents", "incident_ref:id service:str severity:enum(sev1|sev2|sev3|sev4) opened_at:datetime commander_email:email resolved:bool"),
        ("code_review", "code_reviews", "review_ref:id change_title:str reviewer_email:email lines_changed:int verdict:enum(approve|request_changes|comment)"),
    ],
    "food": [
        ("meal_kit", "meal_kits", "kit_code:id title:str servings:int price:money prep_minutes:int diet:enum(omnivore|vegetarian|vegan|pescatarian)"),
        ("kitchen_order", "kitchen_orders", "ticket_ref:id table_label:str course:enum(starter|main|dessert|drinks) placed_at:datetime covers:int rush:bool"),
        ("supplier_delivery", "supplier_deliveries", "delivery_ref:id supplier_name:str expected_at:datetime crate_count:int chilled:bool"),
        ("tasting_note", "tasting_notes", "note_ref:id product_name:str score:int tasted_on:date taster:str"),
    ],
    "education": [
        ("lesson_plan", "lesson_plans", "plan_ref:id subject:str grade_level:int minutes:int objective:text shared:bool"),
        ("exam_paper", "exam_papers", "paper_code:id course_code:str sitting_date:date duration_min:int max_marks:int format:enum(written|oral|practical|online)"),
        ("scholarship", "scholarships", "award_code:id title:str amount:money currency:cur deadline:date renewable:bool"),
        ("classroom", "classrooms", "room_code:id building:str seats:int has_projector:bool accessible:bool"),
    ],
    "jobs": [
        ("job_posting", "job_postings", "posting_ref:id title:str department:str salary_max:money remote:enum(onsite|hybrid|remote) closes_on:date"),
        ("candidate_profile", "candidate_profiles", "candidate_ref:id full_name:str email:email years_experience:int stage:enum(sourced|screen|interview|offer|hired)"),
        ("training_course", "training_courses", "course_ref:id title:str hours:num provider:str mandatory:bool"),
        ("equipment_loan", "equipment_loans", "loan_ref:id item:str borrower_email:email loaned_on:date due_back:date returned:bool"),
    ],
    "real_estate": [
        ("property_listing", "property_listings", "listing_ref:id street_address:str asking_price:money bedrooms:int floor_area_m2:num tenure:enum(freehold|leasehold|share)"),
        ("tenancy_agreement", "tenancy_agreements", "agreement_ref:id tenant_email:email monthly_rent:money start_date:date term_months:int deposit_held:bool"),
        ("inspection_visit", "inspection_visits", "visit_ref:id property_ref:str scheduled_at:datetime inspector:str outcome:enum(pass|minor_issues|major_issues)"),
        ("parking_space", "parking_spaces", "space_code:id building:str level:int covered:bool monthly_fee:money"),
    ],
    "logistics": [
        ("pallet", "pallets", "pallet_ref:id warehouse_code:str weight_kg:num stacked:bool zone:enum(ambient|chilled|frozen|hazmat)"),
        ("delivery_run", "delivery_runs", "run_ref:id driver_name:str vehicle_plate:str stop_count:int departs_at:datetime completed:bool"),
        ("dock_appointment", "dock_appointments", "appointment_ref:id carrier_name:str dock_number:int arrives_at:datetime trailer_type:enum(dry_van|reefer|flatbed|container)"),
        ("customs_declaration", "customs_declarations", "declaration_ref:id exporter:str declared_value:money currency:cur goods_code:str cleared:bool"),
    ],
    "bank": [
        ("standing_order", "standing_orders", "order_ref:id payee_name:str amount:money frequency:enum(weekly|monthly|quarterly|yearly) next_payment:date active:bool"),
        ("savings_pot", "savings_pots", "pot_ref:id label:str target:money balance:money locked_until:date round_ups:bool"),
        ("card_dispute", "card_disputes", "dispute_ref:id merchant:str amount:money opened_on:date reason:enum(not_received|duplicate|fraud|wrong_amount) resolved:bool"),
    ],
}

VOCABULARY: dict[str, tuple[Noun, ...]] = {
    domain: tuple(Noun(s, p, _fields(f)) for s, p, f in nouns) for domain, nouns in _RAW.items()
}

# Words that narrow a noun in a tool name ("list_overdue_invoices"); None keeps the bare noun.
QUALIFIERS: tuple[str | None, ...] = (
    None, None, None, "recent", "pending", "shared", "archived", "active", "flagged", "priority",
    "draft", "team", "regional", "favourite", "overdue", "upcoming", "starred", "internal",
)  # fmt: skip
