-- Nothing to derive: the mart reads the staged entity (the lineage rule in dbt-bouncer.yml allows it).
with staged as (
    select * from {{ ref('stg_report__city_drivers') }}
)

select
    driver_key,
    driver_order,
    driver_zh,
    driver_en,
    summary_zh,
    exemplar_region_zh,
    exemplar_region_en,
    exemplar_zh,
    report_section,
    quote_zh,
    cited_source
from staged
