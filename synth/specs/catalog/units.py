"""Units: conversions between measurement units, all executable ("units.*").

Unit symbols are enums so a model must pick an exact, machine-checkable unit.
"""

from ..dsl import A, E, I, N, O, S, ToolDef, tool

DOMAIN = "units"

_QUANTITIES = {
    # quantity (executor key suffix) -> (tool name, unit symbols)
    "length": ("length_unit_convert", "mm cm m km in ft yd mi nmi"),
    "mass": ("mass_unit_convert", "mg g kg t oz lb st"),
    "temperature": ("temperature_scale_convert", "celsius fahrenheit kelvin rankine"),
    "volume": ("volume_unit_convert", "ml cl l m3 tsp tbsp cup fl_oz pint quart gallon"),
    "speed": ("speed_unit_convert", "m_s km_h mph knot ft_s"),
    "area": ("area_unit_convert", "mm2 cm2 m2 km2 hectare acre ft2 in2 mi2"),
    "data_size": ("data_size_convert", "bit byte KB MB GB TB KiB MiB GiB TiB"),
    "duration": ("duration_unit_convert", "ms s min h day week year"),
    "pressure": ("pressure_unit_convert", "Pa kPa MPa bar psi atm mmHg"),
    "energy": ("energy_unit_convert", "J kJ cal kcal Wh kWh BTU eV"),
    "angle": ("angle_unit_convert", "degree radian gradian turn arcminute arcsecond"),
    "fuel_economy": ("fuel_economy_convert", "mpg_us mpg_uk l_per_100km km_per_l"),
    "power": ("power_unit_convert", "W kW MW hp BTU_h"),
}


def _converter(quantity: str, name: str, units: str) -> ToolDef:
    words = quantity.replace("_", " ")
    return tool(name, f"Convert a {words} value from one unit to another.",
                {"value": N(f"The {words} value to convert"), "from_unit": E(units, "Unit of the given value"),
                 "to_unit": E(units, "Unit wanted"),
                 "decimals": I("Round the result to this many decimals", default=4, lo=0, hi=12)},
                returns=O(value=N(), unit=S()), executor=f"units.convert_{quantity}")  # fmt: skip


TOOLS = [_converter(q, name, units) for q, (name, units) in _QUANTITIES.items()] + [
    tool("unit_symbols_catalog", "List the unit symbols accepted for a kind of quantity.",
         {"quantity": E(sorted(_QUANTITIES), "Kind of quantity")},
         returns=O(quantity=S(), units=A(S())), executor="units.list_units"),
    tool("recipe_quantity_scale", "Scale ingredient amounts from one number of servings to another.",
         {"ingredients": A(O(name=S(min_len=1), amount=N(lo=0), unit=S(default="")), "Ingredient lines", min_items=1),
          "from_servings": N("Servings the recipe makes", xlo=0), "to_servings": N("Servings wanted", xlo=0)},
         returns=O(ingredients=A(O(name=S(), amount=N(), unit=S()))), executor="units.scale_recipe"),
    tool("shoe_size_equivalents", "Equivalent shoe sizes across sizing systems.",
         {"size": N("Size in the source system", xlo=0), "system": E("eu uk us_men us_women cm", "Source system")},
         returns=O(eu=N(), uk=N(), us_men=N(), us_women=N(), cm=N()), executor="units.shoe_size"),
]
