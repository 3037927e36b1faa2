"""Calculator and reference tools of the knowledge domains: physics, chemistry, biology, health,
geometry, statistics, finance, astronomy, history, law, music, art, games, sports, geography.

The catalog and the procedural tools are business APIs (accounts, orders, records). Questions
people put to function-calling models are as often "the final speed of a body that starts at
5 m/s and accelerates at 2 m/s^2 for 10 s" or "the outcome of the battle of Hastings", with
small typed functions that take the stated values. This module writes such tools from a
vocabulary of quantities and lookups, in the naming habits of Python code (``calculate_x``,
``module.x``, ``module.get_x``, ``calcX``), seeded and reproducible.

Each vocabulary line: ``(domain, "namespace ...", subject, "what it gives", "param; param; ...")``
with a parameter as ``name:kind[=default]:description``. Kinds: ``f`` number, ``f+`` positive
number, ``i`` integer >= 1, ``i0`` integer >= 0, ``s`` string (values from
``synth.server.knowledge`` when the name is one of its pools), ``b`` boolean, ``e(a|b)`` enum,
``fl`` / ``il`` / ``sl`` lists of numbers / integers / strings. A default makes it optional.
No name or description is taken from any benchmark: the contamination guard rejects a tool whose
name (or last dotted part) is a BFCL function name, and a description too close to one.
"""

from __future__ import annotations

import random
from typing import Any

from bfcl_adapter.data import DataError

from ..contamination import name_key
from ..spec import ToolSpec
from .dsl import A, B, E, I, N, O, S, Schema

# fmt: off
CALCULATORS: list[tuple[str, str, str, str, str]] = [
    # physics
    ("physics", "kinematics motion physics", "final_speed", "final speed of a body under constant acceleration",
     "initial_speed:f:Initial speed in m/s; acceleration:f:Acceleration in m/s^2; elapsed_time:f+:Elapsed time in seconds"),
    ("physics", "kinematics motion", "distance_covered", "distance a body covers under constant acceleration",
     "initial_speed:f:Initial speed in m/s; acceleration:f:Acceleration in m/s^2; elapsed_time:f+:Time in seconds"),
    ("physics", "kinematics mechanics", "fall_duration", "time an object takes to fall from rest through a height",
     "drop_height:f+:Height of the drop in metres; gravity:f+=9.81:Gravitational acceleration in m/s^2"),
    ("physics", "ballistics kinematics", "projectile_range", "horizontal range of a projectile on level ground",
     "launch_speed:f+:Launch speed in m/s; launch_angle:f+:Launch angle in degrees; gravity:f+=9.81:Gravitational acceleration in m/s^2"),
    ("physics", "mechanics energy", "kinetic_energy_of_body", "kinetic energy of a moving body",
     "mass:f+:Mass in kilograms; speed:f+:Speed in m/s"),
    ("physics", "mechanics energy", "gravitational_potential", "gravitational potential energy of a raised mass",
     "mass:f+:Mass in kilograms; height:f+:Height in metres; gravity:f+=9.81:Gravitational acceleration in m/s^2"),
    ("physics", "mechanics dynamics", "linear_momentum", "momentum of a moving body",
     "mass:f+:Mass in kilograms; velocity:f:Velocity in m/s"),
    ("physics", "dynamics mechanics", "net_force_required", "net force needed to give a mass an acceleration",
     "mass:f+:Mass in kilograms; acceleration:f:Acceleration in m/s^2"),
    ("physics", "mechanics work", "work_by_force", "work done by a constant force over a distance",
     "force:f+:Force in newtons; distance:f+:Distance in metres; angle:f=0:Angle between force and motion in degrees"),
    ("physics", "mechanics fluids", "pressure_on_area", "pressure a force exerts on an area",
     "force:f+:Force in newtons; area:f+:Area in square metres"),
    ("physics", "materials matter", "material_density", "density of an object from its mass and volume",
     "mass:f+:Mass in kilograms; volume:f+:Volume in cubic metres"),
    ("physics", "circuits electricity electronics", "current_through_resistor", "current through a resistor by Ohm's law",
     "voltage:f+:Voltage in volts; resistance:f+:Resistance in ohms"),
    ("physics", "circuits electricity", "power_dissipated", "electrical power dissipated by a load",
     "voltage:f+:Voltage in volts; current:f+:Current in amperes"),
    ("physics", "electrostatics electricity", "force_between_charges", "electrostatic force between two point charges",
     "first_charge:f:First charge in coulombs; second_charge:f:Second charge in coulombs; separation:f+:Distance between them in metres; "
     "relative_permittivity:f+=1:Relative permittivity of the medium"),
    ("physics", "circuits electronics", "capacitor_stored_energy", "energy stored in a charged capacitor",
     "capacitance:f+:Capacitance in farads; voltage:f+:Voltage in volts"),
    ("physics", "circuits electronics", "lc_resonant_frequency", "resonant frequency of an LC circuit",
     "inductance:f+:Inductance in henries; capacitance:f+:Capacitance in farads"),
    ("physics", "waves acoustics", "wave_propagation_speed", "speed of a wave from its frequency and wavelength",
     "frequency:f+:Frequency in hertz; wavelength:f+:Wavelength in metres"),
    ("physics", "optics quantum", "photon_energy_from_wavelength", "energy of a photon of a given wavelength",
     "wavelength:f+:Wavelength in nanometres; unit:e(joules|electronvolts)=joules:Unit of the result"),
    ("physics", "optics", "thin_lens_image_distance", "image distance for a thin lens",
     "focal_length:f+:Focal length in centimetres; object_distance:f+:Object distance in centimetres"),
    ("physics", "thermodynamics heat", "heat_absorbed", "heat needed to change the temperature of a mass",
     "mass:f+:Mass in kilograms; specific_heat:f+:Specific heat capacity in J/(kg K); temperature_change:f:Temperature change in kelvin"),
    ("physics", "thermodynamics gases", "ideal_gas_pressure", "pressure of an ideal gas",
     "moles:f+:Amount of gas in moles; temperature:f+:Temperature in kelvin; volume:f+:Volume in litres"),
    ("physics", "mechanics circular_motion", "centripetal_force_needed", "centripetal force on a body moving in a circle",
     "mass:f+:Mass in kilograms; speed:f+:Speed in m/s; radius:f+:Radius of the circle in metres"),
    ("physics", "mechanics springs", "spring_restoring_force", "restoring force of a stretched spring by Hooke's law",
     "spring_constant:f+:Spring constant in N/m; extension:f:Extension in metres"),
    ("physics", "fluids hydrostatics", "buoyancy_force", "buoyant force on a submerged object",
     "submerged_volume:f+:Submerged volume in cubic metres; fluid_density:f+=1000:Fluid density in kg/m^3"),
    ("physics", "magnetism electromagnetism", "field_around_wire", "magnetic field at a distance from a long straight wire",
     "current:f+:Current in amperes; distance:f+:Distance from the wire in metres"),
    ("physics", "gravity astrophysics", "escape_speed", "escape speed from the surface of a body",
     "body_mass:f+:Mass of the body in kilograms; body_radius:f+:Radius of the body in metres"),
    ("physics", "thermodynamics engines", "carnot_efficiency", "maximum efficiency of a heat engine",
     "hot_temperature:f+:Hot reservoir temperature in kelvin; cold_temperature:f+:Cold reservoir temperature in kelvin"),
    # chemistry
    ("chemistry", "chem stoichiometry", "moles_in_sample", "number of moles in a sample from its mass",
     "mass:f+:Mass in grams; molar_mass:f+:Molar mass in g/mol"),
    ("chemistry", "chem solutions", "solution_molarity", "molarity of a solution",
     "moles_of_solute:f+:Moles of solute; solution_volume:f+:Volume of the solution in litres"),
    ("chemistry", "chem solutions", "dilution_final_volume", "final volume after diluting a solution",
     "initial_concentration:f+:Starting concentration in mol/L; initial_volume:f+:Starting volume in litres; "
     "target_concentration:f+:Wanted concentration in mol/L"),
    ("chemistry", "chem acids", "ph_of_solution", "pH of a solution from its hydrogen ion concentration",
     "hydrogen_ion_concentration:f+:Hydrogen ion concentration in mol/L"),
    ("chemistry", "nuclear radioactivity", "remaining_after_decay", "amount of a radioactive sample left after some time",
     "initial_amount:f+:Initial amount in grams; half_life:f+:Half-life in years; elapsed_years:f+:Elapsed time in years"),
    ("chemistry", "thermochemistry chem", "gibbs_energy_change", "Gibbs free energy change of a reaction",
     "enthalpy_change:f:Enthalpy change in kJ/mol; entropy_change:f:Entropy change in J/(mol K); temperature:f+:Temperature in kelvin"),
    ("chemistry", "chem compounds", "molar_mass_of", "molar mass of a compound from its formula",
     "chemical_formula:s:Chemical formula, e.g. H2O; precision:i0=2:Decimal places"),
    ("chemistry", "chem gases", "gas_volume_at_stp", "volume an amount of gas occupies at standard conditions",
     "moles:f+:Amount of gas in moles"),
    # biology, health
    ("health", "health fitness", "body_mass_index", "body mass index of a person",
     "weight:f+:Weight in kilograms; height:f+:Height in centimetres; system:e(metric|imperial)=metric:Unit system"),
    ("health", "health nutrition", "basal_metabolic_rate", "basal metabolic rate of a person",
     "weight:f+:Weight in kilograms; height:f+:Height in centimetres; age:i:Age in years; sex:e(male|female):Biological sex"),
    ("health", "nutrition health", "daily_water_need", "recommended daily water intake",
     "weight:f+:Body weight in kilograms; activity_level:e(low|moderate|high)=moderate:Activity level"),
    ("health", "fitness cardio", "target_heart_rate", "target heart rate for a training intensity",
     "age:i:Age in years; intensity:e(light|moderate|vigorous):Training intensity; resting_rate:i=70:Resting heart rate in bpm"),
    ("biology", "ecology population", "population_after_growth", "population size after exponential growth",
     "initial_population:i:Starting population; growth_rate:f+:Growth rate per year as a fraction; years:i:Number of years"),
    ("biology", "genetics heredity", "genotype_frequency", "expected frequency of a genotype under Hardy-Weinberg equilibrium",
     "dominant_allele_frequency:f+:Frequency of the dominant allele, between 0 and 1; genotype:e(AA|Aa|aa):Genotype"),
    ("biology", "genetics bioinformatics", "gc_content", "GC content of a DNA sequence",
     "dna_sequence:s:DNA sequence; as_percentage:b=True:Give the result as a percentage"),
    ("biology", "microbiology", "bacterial_count_after", "number of bacteria after a period of doubling",
     "initial_count:i:Starting number of cells; doubling_time:f+:Doubling time in minutes; duration:f+:Duration in minutes"),
    # geometry, algebra, statistics
    ("math", "geometry shapes", "triangle_area_from_base", "area of a triangle from its base and height",
     "base:f+:Length of the base; height:f+:Height of the triangle; unit:s=cm:Unit of length"),
    ("math", "geometry shapes", "circle_area_of", "area of a circle",
     "radius:f+:Radius of the circle"),
    ("math", "geometry solids", "sphere_volume_of", "volume of a sphere",
     "radius:f+:Radius of the sphere"),
    ("math", "geometry solids", "cylinder_volume_of", "volume of a cylinder",
     "radius:f+:Radius of the base; height:f+:Height of the cylinder"),
    ("math", "geometry solids", "cone_volume_of", "volume of a right circular cone",
     "radius:f+:Radius of the base; height:f+:Height of the cone"),
    ("math", "geometry shapes", "rectangle_perimeter_of", "perimeter of a rectangle",
     "length:f+:Length; width:f+:Width"),
    ("math", "geometry trigonometry", "right_triangle_hypotenuse", "hypotenuse of a right triangle",
     "leg_a:f+:Length of one leg; leg_b:f+:Length of the other leg"),
    ("math", "geometry polygons", "interior_angle_sum", "sum of the interior angles of a polygon",
     "sides:i:Number of sides"),
    ("math", "geometry coordinates", "point_distance", "distance between two points in the plane",
     "point_a:fl:First point as [x, y]; point_b:fl:Second point as [x, y]"),
    ("math", "algebra equations", "quadratic_solutions", "real roots of a quadratic equation a*x^2 + b*x + c = 0",
     "a:f:Coefficient of x^2; b:f:Coefficient of x; c:f:Constant term"),
    ("math", "algebra lines", "line_slope", "slope of the line through two points",
     "x1:f:x of the first point; y1:f:y of the first point; x2:f:x of the second point; y2:f:y of the second point"),
    ("math", "number_theory arithmetic", "greatest_common_divisor_of", "greatest common divisor of two integers",
     "first_number:i:First integer; second_number:i:Second integer"),
    ("math", "number_theory arithmetic", "least_common_multiple_of", "least common multiple of two integers",
     "first_number:i:First integer; second_number:i:Second integer"),
    ("math", "combinatorics counting", "combinations_count", "number of ways to choose k items from n",
     "n:i:Number of items; k:i0:Number chosen"),
    ("math", "combinatorics counting", "permutations_count", "number of ordered arrangements of r items out of n",
     "n:i:Number of items; r:i0:Number arranged"),
    ("math", "number_theory", "prime_factorization", "prime factors of an integer",
     "number:i:Integer to factor"),
    ("math", "sequences", "nth_fibonacci", "n-th Fibonacci number",
     "position:i:Position in the sequence, starting at 1"),
    ("math", "statistics stats", "sample_standard_deviation", "standard deviation of a list of numbers",
     "numbers:fl:The data; population:b=False:Treat the data as the whole population"),
    ("math", "statistics stats", "arithmetic_mean_of", "mean of a list of numbers",
     "numbers:fl:The data"),
    ("math", "statistics stats", "pearson_correlation", "Pearson correlation between two lists of numbers",
     "x_values:fl:First variable; y_values:fl:Second variable"),
    ("math", "statistics stats", "standard_score", "z-score of a value in a normal distribution",
     "value:f:The observed value; mean:f:Mean of the distribution; std_dev:f+:Standard deviation"),
    ("math", "probability stats", "binomial_probability_of", "probability of exactly k successes in n trials",
     "trials:i:Number of trials; successes:i0:Number of successes; success_probability:f+:Probability of success in one trial"),
    ("math", "probability games", "dice_sum_probability", "probability of rolling a total with several dice",
     "target_sum:i:Total wanted; dice_count:i=2:Number of dice; faces:i=6:Faces per die"),
    ("math", "probability cards", "card_draw_probability", "probability of drawing at least one of some cards from a deck",
     "target_cards:i:Number of wanted cards in the deck; draws:i:Cards drawn; deck_size:i=52:Cards in the deck"),
    ("math", "calculus", "derivative_at_point", "derivative of a function at a point",
     "math_function:s:The function of x, e.g. x^2 + 1; x:f:The point"),
    ("math", "calculus", "definite_integral_of", "definite integral of a function over an interval",
     "math_function:s:The function of x; lower_bound:f:Lower limit; upper_bound:f:Upper limit"),
    # finance
    ("finance", "finance investing", "compound_growth", "value of an investment with compound interest",
     "principal:f+:Amount invested; annual_rate:f+:Annual interest rate in percent; years:i:Number of years; "
     "compounds_per_year:i=1:Compounding periods per year"),
    ("finance", "finance loans", "monthly_loan_payment", "monthly payment of an amortised loan",
     "principal:f+:Loan amount; annual_rate:f+:Annual interest rate in percent; months:i:Term in months"),
    ("finance", "finance investing", "return_on_investment", "return on an investment in percent",
     "gain:f:Final value of the investment; cost:f+:Amount invested"),
    ("finance", "business accounting", "break_even_units", "units to sell to break even",
     "fixed_costs:f+:Fixed costs; unit_price:f+:Price per unit; unit_variable_cost:f+:Variable cost per unit"),
    ("finance", "economics", "inflation_adjusted_value", "value of an amount after years of inflation",
     "amount:f+:Amount today; inflation_rate:f+:Yearly inflation in percent; years:i:Number of years"),
    ("finance", "accounting", "straight_line_depreciation", "yearly depreciation of an asset",
     "asset_cost:f+:Purchase cost; salvage_value:f+:Value at the end of its life; useful_life_years:i:Useful life in years"),
    ("finance", "finance stocks", "dividend_yield_of", "dividend yield of a stock",
     "annual_dividend:f+:Dividend per share per year; share_price:f+:Price per share"),
    # astronomy
    ("astronomy", "astronomy space", "light_travel_time", "time light takes to cover a distance",
     "distance_km:f+:Distance in kilometres"),
    ("astronomy", "astronomy orbits", "orbital_period_years", "orbital period of a planet from its distance to the Sun",
     "semi_major_axis:f+:Semi-major axis in astronomical units"),
    ("astronomy", "astronomy gravity", "weight_on_body", "weight of a mass on another celestial body",
     "mass:f+:Mass in kilograms; celestial_body:s:Planet or moon"),
    # geography, environment
    ("geography", "travel environment", "trip_carbon_footprint", "carbon emitted by a trip",
     "distance_km:f+:Distance in kilometres; vehicle:e(car|bus|train|plane|ferry):Means of transport; passengers:i=1:People sharing it"),
    ("geography", "geo maps", "great_circle_distance", "distance between two coordinates on Earth",
     "start_point:fl:Start as [latitude, longitude]; end_point:fl:End as [latitude, longitude]; unit:e(km|miles)=km:Unit"),
    # music
    ("music", "music theory", "beats_to_seconds", "duration of a number of beats at a tempo",
     "beats:i:Number of beats; tempo:i:Tempo in beats per minute"),
    ("music", "music acoustics", "note_frequency", "frequency of a note in equal temperament",
     "semitones_from_a4:i0:Semitones above A4; reference_pitch:f+=440:Frequency of A4 in hertz"),
]

LOOKUPS: list[tuple[str, str, str, str, str]] = [
    ("chemistry", "chemistry periodic_table", "element_property", "a property of a chemical element",
     "element:s:Element name; property:e(atomic_number|atomic_mass|electronegativity|melting_point|boiling_point|density):Property wanted"),
    ("chemistry", "chemistry compounds", "compound_details", "facts about a chemical compound",
     "compound:s:Compound name; detail:e(formula|molar_mass|structure|hazards|uses)=formula:What to return"),
    ("biology", "biology zoology", "species_facts", "facts about an animal species",
     "species:s:Common name of the species; fact:e(lifespan|diet|habitat|conservation_status|weight):What to return"),
    ("biology", "biology cells", "cell_type_function", "the function of a cell type",
     "cell_type:s:Cell type; detailed:b=False:Give a detailed description"),
    ("biology", "biochemistry proteins", "protein_summary", "structure and role of a protein",
     "protein:s:Protein name; include_structure:b=False:Include the 3D structure reference"),
    ("biology", "genetics genomics", "gene_information", "chromosome location and function of a gene",
     "gene_symbol:s:Gene symbol; organism:s=human:Organism"),
    ("health", "medicine health", "disease_overview", "symptoms and treatment of a disease",
     "disease:s:Disease name; section:e(symptoms|causes|treatment|prevention)=symptoms:Section wanted"),
    ("astronomy", "astronomy planets", "planet_separation", "current distance between two celestial bodies",
     "celestial_body:s:First body; other_body:e(Mercury|Venus|Earth|Mars|Jupiter|Saturn|Uranus|Neptune):Second body; "
     "unit:e(km|miles|au)=km:Unit of the distance"),
    ("astronomy", "astronomy stars", "star_details", "facts about a star",
     "star_name:s:Star name; property:e(distance|luminosity|spectral_type|constellation|mass):Property wanted"),
    ("history", "history world_history", "event_year", "year and place of a historical event",
     "historical_event:s:Name of the event; include_location:b=False:Also give where it happened"),
    ("history", "history military", "battle_summary", "outcome and commanders of a battle",
     "battle_name:s:Battle name; detail:e(outcome|commanders|casualties|date)=outcome:What to return"),
    ("history", "history empires", "ruler_in_year", "ruler of an empire in a given year",
     "empire:s:Empire or dynasty; year:i:Year"),
    ("history", "history biography", "figure_biography", "biography of a historical figure",
     "historical_figure:s:Name of the person; aspect:e(birth|death|achievements|reign)=achievements:Aspect"),
    ("history", "history science", "scientist_discoveries", "main discoveries of a scientist",
     "scientist:s:Name of the scientist; limit:i=3:Number of discoveries"),
    ("history", "history technology", "invention_origin", "inventor and year of an invention",
     "invention:s:The invention"),
    ("law", "law legal", "case_summary", "parties, court and ruling of a court case",
     "case_number:s:Docket number of the case; court:s:Court; year:i:Year the case was filed"),
    ("law", "law legal", "legal_guidance", "laws that apply to a legal question in a jurisdiction",
     "legal_topic:s:Legal topic; jurisdiction:s:Country or state; year:i=2024:Year of the law"),
    ("law", "law litigation", "lawsuits_against", "lawsuits filed against a company",
     "company:s:Company name; status:e(open|closed|settled|all)=all:Case status; year:i:Year filed"),
    ("law", "crime public_safety", "crime_statistics", "crime figures of a city",
     "city:s:City; category:e(theft|burglary|assault|fraud|vandalism):Kind of crime; year:i:Year"),
    ("music", "music theory", "scale_notes", "notes of a musical scale",
     "musical_key:s:Key, e.g. C or F sharp; mode:e(major|minor|dorian|mixolydian)=major:Mode"),
    ("music", "music catalog", "composer_works", "best-known works of a composer",
     "composer:s:Composer; limit:i=5:Number of works"),
    ("music", "music lyrics", "song_lyrics", "lyrics of a song",
     "song_title:s:Title of the song; musician:s:Artist or band"),
    ("music", "music retail", "instrument_price_estimate", "typical price of a musical instrument",
     "instrument:s:Instrument; condition:e(new|used)=new:Condition; brand:s=any:Brand"),
    ("art", "art museums", "artwork_details", "details of a work of art",
     "artwork:s:Title of the work; detail:e(year|medium|location|dimensions|artist):What to return"),
    ("art", "art artists", "artist_works", "notable works of an artist",
     "artist_name:s:Name of the artist; period:e(early|middle|late|all)=all:Period of the career"),
    ("games", "games video_games", "game_player_count", "number of active players of a video game",
     "video_game:s:Game title; platform:e(pc|playstation|xbox|switch|mobile|all)=all:Platform; year:i:Year"),
    ("games", "games board_games", "board_game_rules", "rules summary of a board game",
     "board_game:s:Name of the game; players:i=2:Number of players"),
    ("sports", "sports stats", "athlete_career_stats", "career statistics of an athlete",
     "athlete:s:Athlete's name; statistic:e(goals|assists|points|titles|matches):Statistic; season:i:Season year"),
    ("sports", "sports leagues", "team_standing", "position of a team in a league table",
     "team_name:s:Team; league_name:s:League; season:i:Season year"),
    ("sports", "sports results", "match_result", "result of a match between two teams",
     "team_name:s:Home team; opponent:s:Away team; date:s:Date of the match"),
    ("geography", "geography landmarks", "mountain_details", "height and location of a mountain",
     "mountain_name:s:Name of the mountain; unit:e(metres|feet)=metres:Unit of height"),
    ("geography", "geography rivers", "river_details", "length and course of a river",
     "river_name:s:Name of the river; detail:e(length|source|mouth|countries)=length:What to return"),
    ("geography", "environment air", "air_quality_index", "air quality index of a city on a day",
     "city:s:City; date:s:Date, YYYY-MM-DD"),
    ("literature", "literature books", "book_details", "author and year of a book",
     "book_title:s:Title of the book; detail:e(author|year|summary|genre)=author:What to return"),
]
# fmt: on

_CALC_NAMES = ("calculate_{s}", "compute_{s}", "{s}", "calc_{s}", "{ns}.{s}", "{ns}.calculate_{s}",
               "{ns}.compute_{s}", "{ns}_{s}", "{camel}", "get_{s}")  # fmt: skip
_LOOKUP_NAMES = ("get_{s}", "{ns}.get_{s}", "{ns}.{s}", "fetch_{s}", "{s}_lookup", "find_{s}", "{ns}.find_{s}",
                 "lookup_{s}", "{s}", "{camel}")  # fmt: skip
_CALC_DESCRIPTIONS = ("Calculate the {d}.", "Compute the {d}.", "Calculates the {d}.", "Returns the {d}.", "{D}.")
_LOOKUP_DESCRIPTIONS = ("Retrieve {the}{d}.", "Get {the}{d}.", "Find {the}{d}.", "Look up {the}{d}.", "Returns {the}{d}.",
                        "{D}.")


def _param(spec: str) -> tuple[str, Schema]:
    name, kind, desc = (part.strip() for part in spec.split(":", 2))
    kind, _, default_text = kind.partition("=")
    if kind.startswith("e("):
        return name, E(kind[2:-1].split("|"), desc, **({"default": default_text} if default_text else {}))
    parse = {"f": float, "f+": float, "i": int, "i0": int, "b": lambda t: t == "True", "s": str}
    extra: dict[str, Any] = {"default": parse[kind](default_text)} if default_text else {}
    if kind == "f":
        return name, N(desc, **extra)
    if kind == "f+":
        return name, N(desc, xlo=0, **extra)
    if kind == "i":
        return name, I(desc, lo=1, **extra)
    if kind == "i0":
        return name, I(desc, lo=0, **extra)
    if kind == "b":
        return name, B(desc, **extra)
    if kind == "s":
        return name, S(desc, min_len=1, **extra)
    if kind in ("fl", "il", "sl"):
        item = {"fl": N(), "il": I(), "sl": S()}[kind]
        pair = name.startswith(("point", "start", "end"))  # a coordinate pair: [x, y] or [lat, lon]
        return name, A(item, desc, min_items=2 if pair else 1, max_items=2 if pair else None)
    raise ValueError(f"unknown parameter kind {kind!r} in {spec!r}")


def _parameters(params: str) -> Schema:
    return O(**dict(_param(p) for p in params.split(";") if p.strip()))


def _camel(subject: str) -> str:
    first, *rest = subject.split("_")
    return first + "".join(w.title() for w in rest)


def _returns(lookup: bool) -> Schema:
    return O(result=S(), source=S(opt=True)) if lookup else O(result=N(), unit=S(opt=True))


def _taken_names() -> tuple[set[str], Any]:
    """Catalog names, and the guard (None without BFCL data) that rejects benchmark names."""
    from ..contamination import default_guard
    from .catalog import load_catalog

    taken = {name_key(t.name) for t in load_catalog()}
    try:
        guard = default_guard()
    except DataError:
        guard = None
    return taken, guard


def vocabulary() -> list[tuple[bool, tuple[str, str, str, str, str]]]:
    """Every (is_lookup, line) of the vocabulary, calculators first."""
    return [(False, line) for line in CALCULATORS] + [(True, line) for line in LOOKUPS]


def generate_formula_tools(n: int, seed: int = 0) -> list[ToolSpec]:
    """Up to ``n`` distinct tools (name variants of the vocabulary's quantities and lookups);
    the same (n, seed) always gives the same tools. Fewer when the name variants run out."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(f"closeloop-formulas:{seed}")
    taken, guard = _taken_names()
    entries = vocabulary()
    tools: list[ToolSpec] = []
    attempts = 0
    while len(tools) < n and attempts < 40 * max(n, 1):
        attempts += 1
        lookup, (domain, namespaces, subject, what, params) = rng.choice(entries)
        namespace = rng.choice(namespaces.split())
        pattern = rng.choice(_LOOKUP_NAMES if lookup else _CALC_NAMES)
        name = pattern.format(s=subject, ns=namespace, camel=_camel(subject))
        if name_key(name) in taken:
            continue
        template = rng.choice(_LOOKUP_DESCRIPTIONS if lookup else _CALC_DESCRIPTIONS)
        the = "" if what.startswith(("a ", "an ")) else "the "
        description = template.format(d=what, D=what[0].upper() + what[1:], the=the)
        spec = ToolSpec(name, description, _parameters(params), _returns(lookup), domain=domain,
                        source=f"formulas:{seed}")  # fmt: skip
        taken.add(name_key(name))
        if guard is None or not guard.check_tool(spec):
            tools.append(spec)
    return tools

