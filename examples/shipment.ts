/**
 * Shipment (after Viewflow's demo): a clerk enters a shipment; then the
 * clerk arranges the carrier while the warehouse packs the goods. With the
 * default carrier (the national post) the clerk decides on insurance and
 * fills in the post label, while someone with the insurance permission
 * takes out extra insurance when it is needed; any other carrier is booked
 * by requesting quotes and picking one. When both sides are done, whoever
 * packed the goods moves the package out.
 *
 * Roles are group permissions: clerks hold shipment.can_start and the
 * clerk steps, the warehouse holds can_package_goods and can_move_package,
 * and shipment.can_take_extra_insurance goes to whoever buys insurance.
 */
import { z } from 'zod';
import { Flow, flow, self, act, type Activation } from 'flowlane';
import { views } from 'flowlane/web';

export const CARRIERS = ['default', 'dhl', 'fedex', 'ups'] as const;
/** The carrier that needs no quotes: the national post. */
export const DEFAULT_CARRIER = 'default';

const Shipment = z.object({
  first_name: z.string().min(1).max(100).meta({ title: 'First name' }),
  last_name: z.string().min(1).max(100).meta({ title: 'Last name' }),
  email: z.email().max(200).meta({ title: 'Email' }),
  address: z.string().min(1).max(200).meta({ title: 'Street address' }),
  zip_code: z.string().min(1).max(20).meta({ title: 'ZIP code' }),
  city: z.string().min(1).max(100).meta({ title: 'City' }),
  country: z.string().min(1).max(100).meta({ title: 'Country' }),
  goods: z.string().min(1).max(1000).meta({ title: 'Goods', description: 'What is shipped, one line per kind of item' }),
  weight_kg: z.number().positive().max(1000).meta({ title: 'Weight (kg)' }),

  carrier: z.enum(CARRIERS).optional().meta({ title: 'Carrier', description: '"default" is the national post; others need quotes' }),
  need_insurance: z.boolean().default(false).meta({ title: 'Needs extra insurance' }),
  insurance_company: z.string().min(1).max(100).optional().meta({ title: 'Insurance company' }),
  insurance_cost: z.number().nonnegative().optional().meta({ title: 'Insurance cost' }),
  post_label: z.string().min(1).max(100).optional().meta({ title: 'Post label number' }),
  quotes: z.string().min(1).max(2000).optional().meta({ title: 'Quotes received', description: 'Carrier, price and delivery time of each quote' }),
  chosen_quote: z.string().min(1).max(200).optional().meta({ title: 'Chosen quote' }),
  quote_price: z.number().positive().optional().meta({ title: 'Price of the chosen quote' }),
  package_count: z.int().min(1).max(100).optional().meta({ title: 'Number of packages' }),
  pickup_date: z.iso.date().optional().meta({ title: 'Pickup date' }),
});

export type ShipmentData = z.infer<typeof Shipment>;

const summary = 'Shipment to {{ process.data.first_name }} {{ process.data.last_name }}, {{ process.data.city }}';

export class ShipmentFlow extends Flow<ShipmentData> {
  static title = 'Shipment';
  static description = 'Ship goods to a customer: the clerk arranges the carrier, the warehouse packs and moves the package.';
  static label = 'shipment';
  static data = Shipment;

  start = flow
    .Start(
      views.createProcess({
        fields: ['first_name', 'last_name', 'email', 'address', 'zip_code', 'city', 'country', 'goods', 'weight_kg'],
      }),
    )
    .Annotation({ title: 'New shipment' })
    .Permission({ autoCreate: true })
    .Next(self.split_clerk_warehouse);

  split_clerk_warehouse = flow.Split().Next(self.shipment_type).Next(self.package_goods);

  shipment_type = flow
    .View(views.updateProcess({ fields: ['carrier'] }))
    .Annotation({ title: 'Choose carrier', summaryTemplate: summary })
    .Permission({ autoCreate: true })
    .Assign({ ownerOf: self.start })
    .Next(self.delivery_mode);

  delivery_mode = flow.If(self.usesDefaultCarrier).Then(self.check_insurance).Else(self.request_quotes);

  // The national post: the clerk settles insurance and the post label.
  check_insurance = flow
    .View(views.updateProcess({ fields: ['need_insurance'] }))
    .Annotation({ title: 'Check insurance', summaryTemplate: summary })
    .Permission({ autoCreate: true })
    .Assign({ ownerOf: self.shipment_type })
    .Next(self.split_on_insurance);

  split_on_insurance = flow
    .Split()
    .Next(self.take_extra_insurance, { case: act.process.data.need_insurance })
    .Always(self.fill_post_label);

  take_extra_insurance = flow
    .View(views.updateProcess({ fields: ['insurance_company', 'insurance_cost'] }))
    .Annotation({ title: 'Take extra insurance', summaryTemplate: summary })
    .Permission('shipment.can_take_extra_insurance')
    .Next(self.join_on_insurance);

  fill_post_label = flow
    .View(views.updateProcess({ fields: ['post_label'] }))
    .Annotation({ title: 'Fill post label', summaryTemplate: summary })
    .Permission({ autoCreate: true })
    .Assign({ ownerOf: self.check_insurance })
    .Next(self.join_on_insurance);

  join_on_insurance = flow.Join().Next(self.join_clerk_warehouse);

  // Any other carrier: book it through quotes.
  request_quotes = flow
    .View(views.updateProcess({ fields: ['quotes'] }))
    .Annotation({ title: 'Request quotes', summaryTemplate: summary })
    .Permission({ autoCreate: true })
    .Assign({ ownerOf: self.shipment_type })
    .Next(self.pick_quote);

  pick_quote = flow
    .View(views.updateProcess({ fields: ['chosen_quote', 'quote_price'] }))
    .Annotation({ title: 'Pick quote', summaryTemplate: summary })
    .Permission({ autoCreate: true })
    .Assign({ ownerOf: self.request_quotes })
    .Next(self.join_clerk_warehouse);

  // Meanwhile, in the warehouse.
  package_goods = flow
    .View(views.updateProcess({ fields: ['package_count'] }))
    .Annotation({ title: 'Package goods', summaryTemplate: '{{ process.data.goods }}' })
    .Permission({ autoCreate: true })
    .Next(self.join_clerk_warehouse);

  join_clerk_warehouse = flow.Join().Next(self.move_package);

  move_package = flow
    .View(views.updateProcess({ fields: ['pickup_date'] }))
    .Annotation({ title: 'Move package', summaryTemplate: summary })
    .Permission({ autoCreate: true })
    .Assign({ ownerOf: self.package_goods })
    .Next(self.end);

  end = flow.End();

  usesDefaultCarrier(activation: Activation<ShipmentData>): boolean {
    return activation.process.data.carrier === DEFAULT_CARRIER;
  }
}
